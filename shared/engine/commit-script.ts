/**
 * The changes of many beneficiaries (one slice of a batch), applied all or nothing: for each, its
 * new facts, derived snapshot, outbox events and reconciliation records; then the ACO total deltas
 * of the whole slice, summed by the caller. Applied only if every beneficiary's version is still the
 * one its change was computed from (optimistic concurrency between services and instances) and the
 * prices version is unchanged (a state derived from old prices would keep the old target), and so
 * is the closed performance year (a claim admitted as open must not land in a year being folded).
 * A change planned without reading the beneficiary's facts (a summary this service wrote) is stale
 * too if the beneficiary already holds one of its records (a redelivery): its totals would count it twice.
 * Otherwise nothing is written and the script returns the 1-based positions of the stale
 * beneficiaries ({0}: prices or closed year changed, all are stale); the caller sends the slice
 * again without them, and re-reads them.
 * A beneficiary's version (field `v`) and totals summary (`k`) live in its facts hash (layout.ts),
 * so a commit of claim records is two calls on one key: the check (HGET, or one HMGET of the
 * version and the new fields) and one HSET of the records, the version and the summary. Each call
 * from a script costs about as much again as the command itself; four calls a beneficiary, two of
 * them on a second key, were most of Redis's time on the claims path.
 *
 * How the slice travels: as one JSON argument (one native encode in the client, one cjson decode
 * here, instead of a client cost per argument or a split in interpreted Lua), and as one flat array,
 * not an array per beneficiary. What the decode costs Redis is the Lua values it makes, about the
 * same per table as per string (cmsgpack was no faster): an array per beneficiary and one per list
 * in it (facts, events, reconciliation records, removals, mostly empty) made the decode two fifths
 * of the script's time on the claims path. So a beneficiary is a few values and its HSET run (the
 * records, the version and the summary, which HSET takes as they are: unpack of a range), and the
 * rest (episodes, snapshot, events, reconciliation records, removals) only when it has some; its
 * state key is passed only when its snapshot is written. `npm run bench:commit` (400 beneficiaries
 * a call, one new claim record each): 10.3 to 12.8 µs of Redis time per beneficiary, against 17.5
 * to 20.4 with an array per beneficiary (README, Performance).
 * KEYS: outbox, beneficiaries, episodeBeneficiaries, acoIndex, outboxSeq, reconciliations,
 *       pricesVersion, closedThrough, then the facts hash of each beneficiary (in slice order), then
 *       the state key of each whose snapshot is written, then each ACO total's key
 * ARGV: expected 'pricesVersion|closedThrough',
 *       JSON flat array, per beneficiary:
 *         mbi, expectedVersion,
 *         flags: 1 when none of its fact fields may be held yet (planned without reading them),
 *           plus 2 when the rest below follows,
 *         number of new facts F, length R of the HSET run, the run (F fact field/json pairs, then
 *         'v' and the new version, then 'k' and the summary when it changes),
 *         and only with flag 2 (a claim record that only adds to totals has none of it):
 *         episodes ('+' now has some, '-' now has none, '' unchanged), snapshot, position of its
 *         state key in KEYS (0: the snapshot is left as stored), number of events, the events,
 *         number of recon strings, recon field/json pairs, number of fact fields to delete, the fields;
 *       JSON flat array, per ACO total: acoYear, number of strings, field/increment pairs;
 *       position in KEYS before the first ACO total's key
 * A version is an opaque token, unique per commit (not a counter): a copy cached before a reset can
 * never match a version written after it by chance.
 */
export const COMMIT_SCRIPT = `
if (redis.call('GET', KEYS[7]) or '0') .. '|' .. (redis.call('GET', KEYS[8]) or '') ~= ARGV[1] then return {0} end
local s = cjson.decode(ARGV[2])
local n = #s
local stale, ask = {}, { 'v' }
-- Past a beneficiary's rest (flag 2): episodes, snapshot, state key, then three counted lists.
local function pastRest(i)
  i = i + 3
  i = i + 1 + s[i]
  i = i + 1 + s[i]
  return i + 1 + s[i]
end
local i, b = 1, 0
while i <= n do
  b = b + 1
  local flags, nf, run = s[i + 2], s[i + 3], s[i + 4]
  local fresh
  if flags % 2 == 1 then
    -- The version and whether any new record is held, in one read of the facts hash.
    for k = 1, nf do ask[k + 1] = s[i + 3 + 2 * k] end
    local got = redis.call('HMGET', KEYS[8 + b], unpack(ask, 1, nf + 1))
    fresh = (got[1] or '0') == s[i + 1]
    for k = 2, nf + 1 do
      if got[k] then fresh = false; break end
    end
  else
    fresh = (redis.call('HGET', KEYS[8 + b], 'v') or '0') == s[i + 1]
  end
  if not fresh then stale[#stale + 1] = b end
  i = i + 5 + run
  if flags >= 2 then i = pastRest(i) end
end
if #stale > 0 then return stale end
i, b = 1, 0
while i <= n do
  b = b + 1
  local mbi, key, flags, run = s[i], KEYS[8 + b], s[i + 2], s[i + 4]
  redis.call('HSET', key, unpack(s, i + 5, i + 4 + run))
  if s[i + 1] == '0' then redis.call('SADD', KEYS[2], mbi) end
  i = i + 5 + run
  if flags >= 2 then
    local e = s[i]
    if e == '+' then redis.call('SADD', KEYS[3], mbi) elseif e == '-' then redis.call('SREM', KEYS[3], mbi) end
    if s[i + 2] > 0 then redis.call('HSET', KEYS[s[i + 2]], 'd', s[i + 1]) end
    i = i + 3
    for k = i + 1, i + s[i] do redis.call('RPUSH', KEYS[1], redis.call('INCR', KEYS[5]) .. '|' .. s[k]) end
    i = i + 1 + s[i]
    if s[i] > 0 then redis.call('HSET', KEYS[6], unpack(s, i + 1, i + s[i])) end
    i = i + 1 + s[i]
    if s[i] > 0 then redis.call('HDEL', key, unpack(s, i + 1, i + s[i])) end
    i = i + 1 + s[i]
  end
end
local t = cjson.decode(ARGV[3])
local a, k = tonumber(ARGV[4]), 1
while k <= #t do
  a = a + 1
  redis.call('SADD', KEYS[4], t[k])
  for j = k + 2, k + 1 + t[k + 1], 2 do redis.call('HINCRBY', KEYS[a], t[j], t[j + 1]) end
  k = k + 2 + t[k + 1]
end
return {}
`;

/**
 * Reads many beneficiaries in one call: the prices version, the prices (only when their version is
 * not the one the caller holds), the latest closed year, then per beneficiary its facts hash (flat
 * field/value list, with its version and totals summary among the fields) and its derived snapshot.
 * KEYS: prices, pricesVersion, closedThrough, then facts and state of each beneficiary
 * ARGV: knownPricesVersion
 */
export const LOAD_SCRIPT = `
local version = redis.call('GET', KEYS[2]) or '0'
local out = { version, false, redis.call('GET', KEYS[3]) or '' }
if version ~= ARGV[1] then out[2] = redis.call('HGETALL', KEYS[1]) end
for i = 4, #KEYS, 2 do
  out[#out + 1] = redis.call('HGETALL', KEYS[i])
  out[#out + 1] = redis.call('HGET', KEYS[i + 1], 'd')
end
return out
`;

/**
 * What the incremental path reads of many beneficiaries instead of their facts: the prices version
 * and the closed year (what a commit checks), then per beneficiary its version, its totals summary
 * and, for each fact field asked, whether its facts hash holds it (1 or 0): one HMGET of its facts
 * hash. The fields travel as one flat JSON array, as the commit's slice does (COMMIT_SCRIPT: Lua
 * values, not bytes, are what a decode costs).
 * KEYS: pricesVersion, closedThrough, then the facts hash of each beneficiary
 * ARGV: JSON [number of fields, field, ..., per beneficiary]
 */
export const SUMMARY_LOAD_SCRIPT = `
local out = { redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[2]) or '' }
local s = cjson.decode(ARGV[1])
local i = 1
for b = 3, #KEYS do
  local got = redis.call('HMGET', KEYS[b], 'v', 'k', unpack(s, i + 1, i + s[i]))
  local n = #out
  out[n + 1] = got[1]
  out[n + 2] = got[2]
  for k = 3, #got do out[n + k] = got[k] and 1 or 0 end
  i = i + 1 + s[i]
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
 * Advances the event clock of one claims partition by a quorum: the partition keeps its latest
 * `quorum` distinct claim records (a sorted set scored by thruDate as YYYYMMDD, members their claim
 * ids, so a redelivered record counts once), and its clock is the earliest date among them once it
 * holds that many: a date a quorum of records has reached. The overall clock is the median of the
 * partitions' clocks (the lower middle one), so no partition alone moves it either. Also keeps the
 * earliest claim date stored.
 * KEYS: clock, partitionClocks, earliest, the partition's latest records
 * ARGV: partition, earliest date, quorum, then score and claim id pairs
 */
export const ADVANCE_CLOCK_SCRIPT = `
for i = 4, #ARGV, 2 do redis.call('ZADD', KEYS[4], ARGV[i], ARGV[i + 1]) end
local quorum = tonumber(ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -(quorum + 1))
local e = redis.call('GET', KEYS[3])
if not e or ARGV[2] < e then redis.call('SET', KEYS[3], ARGV[2]) end
if redis.call('ZCARD', KEYS[4]) < quorum then return 0 end
local low = string.format('%08d', tonumber(redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')[2]))
local date = low:sub(1, 4) .. '-' .. low:sub(5, 6) .. '-' .. low:sub(7, 8)
local p = redis.call('HGET', KEYS[2], ARGV[1])
if p and date <= p then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], date)
local clocks = redis.call('HVALS', KEYS[2])
table.sort(clocks)
redis.call('SET', KEYS[1], clocks[math.floor((#clocks + 1) / 2)])
return 1
`;

/**
 * Records how far a consumer group's records of one partition are applied, unless this Redis holds
 * less than the caller knows was recorded (or committed to Kafka) before: then it lost writes, and
 * the offset it holds is returned for the caller to re-read from; nothing is written.
 * KEYS: applied offsets hash  ARGV: 'topic|partition', expected at least ('' when unknown), new offset
 * Offsets are compared as Lua numbers: exact below 2^53.
 */
export const RECORD_APPLIED_SCRIPT = `
local held = redis.call('HGET', KEYS[1], ARGV[1])
if held and ARGV[2] ~= '' and tonumber(held) < tonumber(ARGV[2]) then return held end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return false
`;
