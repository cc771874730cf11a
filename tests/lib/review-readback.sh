# Reading a batch back off the review screen, as a reviewer's eyes would:
# screens (headless dumps or tmux captures) in, the batch's text out, to
# compare with what the plan file holds for the step.

# plan_batch FILE N: step N's batch as the plan file has it, from its
# \connect line through its end line or its group's COMMIT PREPARED lines
plan_batch() {
	awk -v n="$2" '
		$0 ~ "^-- step: " n " of " { in_step = 1; next }
		in_step && !started && /^\\connect / { started = 1 }
		started && (/^-- =====/ || /^-- end of plan$/) { exit }
		started { kept[++k] = $0 }
		END {
			while (k > 0 && kept[k] == "") k--
			for (i = 1; i <= k; i++) print kept[i]
		}' "$1"
}

# screen_sql ROWS COLS SCREEN...: the numbered lines of a batch, read off
# SCREENs of one batch in the order they were shown, its body scrolled
# down a page at a time.  The screens overlap: each page is joined to the
# rows read so far where they agree.  A numbered row starts a line, a row
# whose gutter is "+" goes on with the one above; a screen drops a row's
# trailing spaces, so a row that goes on is padded to the full width.
screen_sql() {
	local rows=$1 cols=$2; shift 2
	awk -v first=3 -v last=$((rows - 3)) -v width=$((cols - 5)) '
		function take_page(   r, k, best, same) {
			if (np == 0)
				return
			for (r = np + 1; r <= last - first + 1; r++)
				page[r] = ""
			np = last - first + 1
			# the status row under a view that scrolls
			if (page[np] ~ / lines [0-9]+-[0-9]+ of [0-9]+ *$/)
				np--
			best = 0
			for (k = (np < na ? np : na); k > 0 && best == 0; k--) {
				same = 1
				for (r = 1; r <= k && same; r++)
					same = acc[na - k + r] == page[r]
				if (same)
					best = k
			}
			for (r = best + 1; r <= np; r++)
				acc[++na] = page[r]
			np = 0
		}
		FNR == 1 { take_page() }
		FNR >= first && FNR <= last { page[++np] = $0 }
		END {
			take_page()
			for (r = 1; r <= na; r++) {
				row = acc[r]
				if (substr(row, 1, 4) ~ /^ *[0-9]+$/) {
					if (started)
						print line
					started = 1
					line = substr(row, 6)
					nrows = 1
				} else if (started && substr(row, 1, 4) == "   +") {
					while (length(line) < nrows * width)
						line = line " "
					line = line substr(row, 6)
					nrows++
				} else if (started)
					break
			}
			if (started)
				print line
		}' "$@"
}
