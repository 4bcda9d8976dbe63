-- Warm-up: cycle through the paths given after `--` (same Host header), so every worker renders every page once.
local paths, i = {}, 0
init = function(args)
  for _, path in ipairs(args) do paths[#paths + 1] = path end
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
