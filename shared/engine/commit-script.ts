/**
 * One beneficiary's change, applied atomically: new facts, the new derived snapshot, ACO total
 * deltas, outbox events and reconciliation records, only if the beneficiary's version is still the
 * one the change was computed from (optimistic concurrency between services). Returns 1 when
 * applied, 0 on a version conflict (the caller re-reads and recomputes).
 *
 * The prices version is checked too: a state derived from prices that changed meanwhile would keep
 * the old target (the price change's refresh may not have seen this beneficiary's new episode yet).
 *
 * KEYS: facts, state, outbox, beneficiaries, episodeBeneficiaries, acoIndex, outboxSeq, reconciliations, pricesVersion
 * ARGV: expectedVersion, derivedJson, factPairsJson, acoDeltasJson, eventsJson, mbi, hasEpisodes, reconPairsJson, expectedPricesVersion
 */
export const COMMIT_SCRIPT = `
local v = redis.call('HGET', KEYS[2], 'v') or '0'
if v ~= ARGV[1] then return 0 end
if (redis.call('GET', KEYS[9]) or '0') ~= ARGV[9] then return 0 end
local facts = cjson.decode(ARGV[3])
for i = 1, #facts, 2 do redis.call('HSET', KEYS[1], facts[i], facts[i + 1]) end
redis.call('HSET', KEYS[2], 'v', tostring(tonumber(v) + 1), 'd', ARGV[2])
local deltas = cjson.decode(ARGV[4])
for _, d in ipairs(deltas) do
  redis.call('SADD', KEYS[6], d[1])
  local f = d[3]
  for i = 1, #f, 2 do redis.call('HINCRBY', d[2], f[i], string.format('%.0f', f[i + 1])) end
end
local events = cjson.decode(ARGV[5])
for _, e in ipairs(events) do
  local seq = redis.call('INCR', KEYS[7])
  redis.call('RPUSH', KEYS[3], seq .. '|' .. e)
end
local recon = cjson.decode(ARGV[8])
for i = 1, #recon, 2 do redis.call('HSET', KEYS[8], recon[i], recon[i + 1]) end
redis.call('SADD', KEYS[4], ARGV[6])
if ARGV[7] == '1' then redis.call('SADD', KEYS[5], ARGV[6]) else redis.call('SREM', KEYS[5], ARGV[6]) end
return 1
`;

/**
 * Removes the first n outbox entries only if the head is still the entry the relay read first, so
 * two relays draining one outbox never trim an entry neither has produced.
 * KEYS: outbox  ARGV: firstEntry, n
 */
export const OUTBOX_ACK_SCRIPT = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LTRIM', KEYS[1], tonumber(ARGV[2]), -1)
  return 1
end
return 0
`;

/**
 * Appends events and reconciliation records that belong to no beneficiary (MSSP reconciliation).
 * KEYS: outbox, outboxSeq, reconciliations  ARGV: eventsJson, reconPairsJson
 */
export const APPEND_SCRIPT = `
local events = cjson.decode(ARGV[1])
for _, e in ipairs(events) do
  local seq = redis.call('INCR', KEYS[2])
  redis.call('RPUSH', KEYS[1], seq .. '|' .. e)
end
local recon = cjson.decode(ARGV[2])
for i = 1, #recon, 2 do redis.call('HSET', KEYS[3], recon[i], recon[i + 1]) end
return 1
`;

/**
 * Moves a date forward only: event time never goes back when an older record arrives late.
 * KEYS: clock  ARGV: date (ISO, so string order is date order)
 */
export const ADVANCE_CLOCK_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur or ARGV[1] > cur then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
`;
