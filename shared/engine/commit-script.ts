/**
 * The changes of many beneficiaries (one slice of a batch), applied all or nothing: for each, its
 * new facts, derived snapshot, outbox events and reconciliation records; then the ACO total deltas
 * of the whole slice, summed by the caller. Applied only if every beneficiary's version is still the
 * one its change was computed from (optimistic concurrency between services and instances) and the
 * prices version is unchanged (a state derived from old prices would keep the old target). Otherwise
 * nothing is written and the script returns the 1-based positions of the stale beneficiaries
 * ({0}: the prices changed, all are stale); the caller re-reads those and retries the slice.
 *
 * KEYS: outbox, beneficiaries, episodeBeneficiaries, acoIndex, outboxSeq, reconciliations,
 *       pricesVersion, then facts and state of each beneficiary, then each ACO total's key
 * ARGV: expectedPricesVersion, beneficiaryCount, acoCount,
 *       per beneficiary: mbi, expectedVersion, derivedJson, hasEpisodes ('1'|'0'), factStrings,
 *         eventCount, reconStrings, then the fact field/value pairs, the events, the recon pairs;
 *       per ACO total: acoYear, fieldStrings, then field/increment pairs
 */
export const COMMIT_SCRIPT = `
local nb, na = tonumber(ARGV[2]), tonumber(ARGV[3])
if (redis.call('GET', KEYS[7]) or '0') ~= ARGV[1] then return {0} end
local starts, stale, p = {}, {}, 4
for b = 1, nb do
  starts[b] = p
  if (redis.call('HGET', KEYS[7 + 2 * b], 'v') or '0') ~= ARGV[p + 1] then stale[#stale + 1] = b end
  p = p + 7 + tonumber(ARGV[p + 4]) + tonumber(ARGV[p + 5]) + tonumber(ARGV[p + 6])
end
if #stale > 0 then return stale end
for b = 1, nb do
  local q = starts[b]
  local mbi, nf, ne, nr = ARGV[q], tonumber(ARGV[q + 4]), tonumber(ARGV[q + 5]), tonumber(ARGV[q + 6])
  local r = q + 7
  if nf > 0 then redis.call('HSET', KEYS[6 + 2 * b], unpack(ARGV, r, r + nf - 1)) end
  r = r + nf
  redis.call('HSET', KEYS[7 + 2 * b], 'v', tostring(tonumber(ARGV[q + 1]) + 1), 'd', ARGV[q + 2])
  for e = r, r + ne - 1 do
    redis.call('RPUSH', KEYS[1], redis.call('INCR', KEYS[5]) .. '|' .. ARGV[e])
  end
  r = r + ne
  if nr > 0 then redis.call('HSET', KEYS[6], unpack(ARGV, r, r + nr - 1)) end
  redis.call('SADD', KEYS[2], mbi)
  if ARGV[q + 3] == '1' then redis.call('SADD', KEYS[3], mbi) else redis.call('SREM', KEYS[3], mbi) end
end
for a = 1, na do
  local key, nfld = KEYS[7 + 2 * nb + a], tonumber(ARGV[p + 1])
  redis.call('SADD', KEYS[4], ARGV[p])
  for i = p + 2, p + 1 + nfld, 2 do redis.call('HINCRBY', key, ARGV[i], ARGV[i + 1]) end
  p = p + 2 + nfld
end
return {}
`;

/**
 * Reads many beneficiaries in one call: the prices (only when their version is not the one the
 * caller holds), then per beneficiary its facts (flat field/value list) and its version and
 * derived snapshot.
 * KEYS: prices, pricesVersion, then facts and state of each beneficiary  ARGV: knownPricesVersion
 */
export const LOAD_SCRIPT = `
local version = redis.call('GET', KEYS[2]) or '0'
local out = { version, false }
if version ~= ARGV[1] then out[2] = redis.call('HGETALL', KEYS[1]) end
for i = 3, #KEYS, 2 do
  out[#out + 1] = redis.call('HGETALL', KEYS[i])
  out[#out + 1] = redis.call('HMGET', KEYS[i + 1], 'v', 'd')
end
return out
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
