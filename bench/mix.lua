-- wrk: cycle through the paths given after `--`, and report like latency.lua.
local paths, n = {}, 0

init = function(args)
  paths = args
end

request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end

dofile(os.getenv("BENCH_DIR") .. "/latency.lua")
