/** Separates the parts of one packed argument: JSON text and validated ids never hold a raw control character. */
export const SEP = '\x1f';

/**
 * The changes of many beneficiaries (one slice of a batch), applied all or nothing: for each, its
 * new facts, derived snapshot, outbox events and reconciliation records; then the ACO total deltas
 * of the whole slice, summed by the caller. Applied only if every beneficiary's version is still the
 * one its change was computed from (optimistic concurrency between services and instances) and the
 * prices version is unchanged (a state derived from old prices would keep the old target), and so
 * is the closed performance year (a claim admitted as open must not land in a year being folded). Otherwise
 * nothing is written and the script returns the 1-based positions of the stale beneficiaries
 * ({0}: prices or closed year changed, all are stale); the caller re-reads those and retries the slice.
 * Each beneficiary and each ACO total is one argument of SEP-separated parts: a client pays per
 * argument, and splitting in Lua is cheap.
 *
 * KEYS: outbox, beneficiaries, episodeBeneficiaries, acoIndex, outboxSeq, reconciliations,
 *       pricesVersion, closedThrough, then facts and state of each beneficiary, then each ACO total's key
 * ARGV: expected 'pricesVersion|closedThrough', beneficiaryCount, acoCount, then per beneficiary
 *       mbi SEP expectedVersion SEP hasEpisodes SEP factStrings SEP eventCount SEP reconStrings SEP
 *       removeCount SEP derivedJson [SEP fact field SEP fact json]... [SEP event]...
 *       [SEP recon field SEP recon json]... [SEP fact field to delete]...,
 *       then per ACO total: acoYear [SEP field SEP increment]...
 */
export const COMMIT_SCRIPT = `
local function split(s)
  local out, i = {}, 1
  while true do
    local j = string.find(s, '\\31', i, true)
    if not j then out[#out + 1] = string.sub(s, i) return out end
    out[#out + 1] = string.sub(s, i, j - 1)
    i = j + 1
  end
end
local nb, na = tonumber(ARGV[2]), tonumber(ARGV[3])
if (redis.call('GET', KEYS[7]) or '0') .. '|' .. (redis.call('GET', KEYS[8]) or '') ~= ARGV[1] then return {0} end
local parts, stale = {}, {}
for b = 1, nb do
  local c = split(ARGV[3 + b])
  parts[b] = c
  if (redis.call('HGET', KEYS[8 + 2 * b], 'v') or '0') ~= c[2] then stale[#stale + 1] = b end
end
if #stale > 0 then return stale end
for b = 1, nb do
  local c = parts[b]
  local mbi, nf, ne, nr, nd = c[1], tonumber(c[4]), tonumber(c[5]), tonumber(c[6]), tonumber(c[7])
  local r = 9
  if nf > 0 then redis.call('HSET', KEYS[7 + 2 * b], unpack(c, r, r + nf - 1)) end
  r = r + nf
  redis.call('HSET', KEYS[8 + 2 * b], 'v', tostring(tonumber(c[2]) + 1), 'd', c[8])
  for e = r, r + ne - 1 do
    redis.call('RPUSH', KEYS[1], redis.call('INCR', KEYS[5]) .. '|' .. c[e])
  end
  r = r + ne
  if nr > 0 then redis.call('HSET', KEYS[6], unpack(c, r, r + nr - 1)) end
  r = r + nr
  if nd > 0 then redis.call('HDEL', KEYS[7 + 2 * b], unpack(c, r, r + nd - 1)) end
  redis.call('SADD', KEYS[2], mbi)
  if c[3] == '1' then redis.call('SADD', KEYS[3], mbi) else redis.call('SREM', KEYS[3], mbi) end
end
for a = 1, na do
  local c = split(ARGV[3 + nb + a])
  redis.call('SADD', KEYS[4], c[1])
  for i = 2, #c, 2 do redis.call('HINCRBY', KEYS[8 + 2 * nb + a], c[i], c[i + 1]) end
end
return {}
`;

/**
 * Reads many beneficiaries in one call: the prices version, the prices (only when their version is
 * not the one the caller holds), the latest closed year, then per beneficiary read in full its
 * facts (flat field/value list) and its version and derived snapshot, then the bare version of
 * each beneficiary the caller has cached (to tell whether its copy is still current).
 * KEYS: prices, pricesVersion, closedThrough, facts and state of each beneficiary read in full,
 *       state of each cached one
 * ARGV: knownPricesVersion, number of beneficiaries read in full
 */
export const LOAD_SCRIPT = `
local version = redis.call('GET', KEYS[2]) or '0'
local out = { version, false, redis.call('GET', KEYS[3]) or '' }
if version ~= ARGV[1] then out[2] = redis.call('HGETALL', KEYS[1]) end
local full = 3 + 2 * tonumber(ARGV[2])
for i = 4, full, 2 do
  out[#out + 1] = redis.call('HGETALL', KEYS[i])
  out[#out + 1] = redis.call('HMGET', KEYS[i + 1], 'v', 'd')
end
for i = full + 1, #KEYS do
  out[#out + 1] = redis.call('HGET', KEYS[i], 'v') or '0'
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
 * Moves the event clock forward only, for the whole topic and for one partition: event time never
 * goes back when an older record arrives late. Also keeps the earliest claim date stored, so
 * closing a year no claim belongs to needs no pass over the beneficiaries.
 * KEYS: clock, partitionClocks, earliest  ARGV: latest date (ISO, so string order is date order),
 * partition, earliest date of the batch
 */
export const ADVANCE_CLOCK_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if not cur or ARGV[1] > cur then redis.call('SET', KEYS[1], ARGV[1]) end
local p = redis.call('HGET', KEYS[2], ARGV[2])
if not p or ARGV[1] > p then redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) end
local e = redis.call('GET', KEYS[3])
if not e or ARGV[3] < e then redis.call('SET', KEYS[3], ARGV[3]) end
return 1
`;
