"""Lua scripts for wrk: request shapes per benchmarked operation and a JSON summary with p50/p95."""

from __future__ import annotations

import json

DONE = """
done = function(summary, latency, requests)
  io.write(string.format('WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
    .. '"p99_us": %d, "status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end
"""

LIST_PATHS = ["/work-items", "/work-items?sort=-votes", "/work-items?type=incident&state=new,triaged",
              "/work-items?q=kafka", "/work-items?sort=-updated_at&page=3"]


def _lua_list(values: list[str]) -> str:
    return "{" + ", ".join(json.dumps(v) for v in values) + "}"


def script(kind: str, ids: list[str], platforms: list[str], cookie: str = "") -> str:
    """A wrk script for kind: static, list, detail, create or comment. `cookie` is the session cookie a
    returning browser sends with its page views (without it every view would start a new session)."""
    head = f"local ids = {_lua_list(ids)}\nlocal lists = {_lua_list(LIST_PATHS)}\n" \
           f"local platforms = {_lua_list(platforms)}\nlocal n = 0\nlocal cookie = {json.dumps(cookie)}\n"
    bodies = {
        "static": 'return wrk.format("GET", "/")',
        "list": 'return wrk.format("GET", lists[math.random(#lists)], headers)',
        "detail": 'return wrk.format("GET", "/work-items/" .. ids[math.random(#ids)], headers)',
        "create": 'return wrk.format("POST", "/api/v1/work-items", json_headers, string.format('
                  '\'{"item_type": "incident", "title": "Load test incident %d", "severity": "sev3", '
                  '"impact": "Bench users", "platform": "%s", "description": "Created by wrk."}\', '
                  'n, platforms[math.random(#platforms)]))',
        "comment": 'return wrk.format("POST", "/api/v1/work-items/" .. ids[math.random(#ids)] .. "/comments", '
                   'json_headers, string.format(\'{"body": "Load test comment %d"}\', n))',
    }
    return head + """
local headers = {["X-Forwarded-Email"] = "bench.reader@example.com"}
if cookie ~= "" then headers["Cookie"] = cookie end
request = function()
  n = n + 1
  local json_headers = {["X-Forwarded-Email"] = "bench" .. (n % 50) .. "@example.com",
                        ["Content-Type"] = "application/json", ["Accept"] = "application/json"}
  """ + bodies[kind] + "\nend\n" + DONE
