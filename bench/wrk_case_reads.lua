-- wrk script: random case reads by id with a bearer token (AEGIS_TOKEN, AEGIS_MAX_ID from the env).
local token = os.getenv("AEGIS_TOKEN")
local max_id = tonumber(os.getenv("AEGIS_MAX_ID"))
local path = os.getenv("AEGIS_PATH")  -- when set, this path is requested instead of a case by id
math.randomseed(os.time())

request = function()
  local target = path or ("/api/v1/cases/" .. math.random(1, max_id))
  return wrk.format("GET", target, { ["Authorization"] = "Bearer " .. token })
end

done = function(summary, latency, requests)
  io.write(string.format("non-2xx or errors: %d\n",
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
