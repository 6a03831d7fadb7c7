-- Prosody as a benchmark peer: one process on loopback, started and stopped by `npm run bench`.
-- The bench sets the ENV_ values below (Prosody reads ENV_X as the environment variable X) and
-- writes the accounts into the data directory before starting it, so nothing here is shared with
-- a system-wide Prosody.

run_as_root = true -- the bench runs as root in CI; the data directory is a throwaway temp dir
pidfile = ENV_PARLEY_BENCH_PROSODY_DIR .. "/prosody.pid"
data_path = ENV_PARLEY_BENCH_PROSODY_DIR .. "/data"
log = { warn = ENV_PARLEY_BENCH_PROSODY_DIR .. "/prosody.log" }
certificates = ENV_PARLEY_BENCH_PROSODY_DIR .. "/certs" -- none: plain TCP on loopback

-- The default epoll backend; plain TCP c2s on one loopback port, no s2s, no HTTP.
network_backend = "epoll"
-- Nagle off, as Node's ws and net sockets of the other targets; a long accept queue for connection bursts.
network_settings = { nagle = false; tcp_backlog = 4096 }
interfaces = { "127.0.0.1" }
c2s_ports = { tonumber(ENV_PARLEY_BENCH_PROSODY_PORT) }
s2s_ports = { }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true -- loopback only; spares each login the SCRAM key derivation
s2s_require_encryption = false

-- Accounts in plain files (the bench writes them), so seeding 10,000 users is a file copy.
authentication = "internal_plain"
storage = "internal"

modules_enabled = {
  "roster"; "saslauth"; "disco"; "ping"; "presence"; "message";
  "offline"; -- offline storage on: messages to an offline user are stored and delivered at login
}
modules_disabled = { "s2s"; "tls"; "register"; "bosh"; "websocket"; "http" }

-- mod_limits (byte-rate limits per connection, in Debian's example config) is left off: the
-- bench keeps every sender under 100 messages/s, within Parley's default frame budget, but that
-- would exceed the example's 10 kB/s.

VirtualHost "bench.localhost"
