-- wrk's summary as one machine-readable line (latencies in microseconds); bench/load.py parses it.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("XASO_WRK %d %d %d %d %d %d %d %.0f %.0f %.0f %.0f %.0f\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max))
end
