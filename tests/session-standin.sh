#!/bin/bash
# The session layer's COPY TO STDOUT against a throwaway server: its rows,
# its deadline, its errors (tests/unit/test_session; always runs)
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/cluster.sh"

PROG=$top_builddir/tests/unit/test_session
[ -x "$PROG" ] || skip_all "$PROG is not built (make check builds it)"

pgc_init
pgc_start session || { echo "Bail out! could not start a server"; exit 1; }
# tabs, newlines, backslashes, NULLs and UTF-8: everything COPY escapes
pgc_psql session >/dev/null <<'SQL' || { echo "Bail out! could not fill the table"; exit 1; }
CREATE TABLE session_rows (id int, note text, amount numeric, tags text[]);
INSERT INTO session_rows
     SELECT g,
            CASE WHEN g % 7 = 0 THEN NULL
                 ELSE 'row ' || g || E'\ttab\nline\\back\r' || repeat('é€', g % 5) END,
            g / 3.0,
            ARRAY['a b', NULL, E'q"\\']
       FROM generate_series(1, 20000) g;
SQL
# the client encoding is psql's choice otherwise, from the locale
PGCLIENTENCODING=UTF8 pgc_psql session -c "COPY session_rows TO STDOUT" >"$PGC_ROOT/expected.copy" ||
	{ echo "Bail out! psql could not copy the table"; exit 1; }

TEST_SESSION_CONNINFO="host=127.0.0.1 port=$(pgc_port session) user=postgres dbname=postgres" \
TEST_SESSION_EXPECTED=$PGC_ROOT/expected.copy \
	${CITUS_RESCUE_WRAPPER:-} "$PROG"
