# Helpers for the demo chapters (busybox sh, in the guest).
D=/sys/kernel/debug/mmscope

chapter() {
	echo
	echo "=================================================================="
	echo "== $*"
	echo "=================================================================="
}

# say TEXT: explanation for the reader
say() {
	echo "$*" | fold -s -w 78 | sed 's/^/   /'
}

# show CMD...: print the command, then run it
show() {
	echo
	echo "# $*"
	"$@"
}

# question TEXT: what the chapter answers, before it runs anything
question() {
	echo
	echo "$*" | fold -s -w 76 | sed '1s/^/ ? /; 2,$s/^/   /'
}
