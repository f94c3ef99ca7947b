# Sourced by the scripts that also run against PostgreSQL. `postgres_url [URL]` prints URL if
# one is given, else the local PostgreSQL's (trust auth on 127.0.0.1:5432, as this project's
# machines run it) if one answers there, else nothing.
postgres_url() {
  if [[ -n "${1:-}" ]]; then
    echo "$1"
  elif (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    echo postgres://postgres@127.0.0.1:5432/postgres
  fi
}
