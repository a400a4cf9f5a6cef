#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse the KTAP that mmscope-selftests prints and count leaf results.

    python3 tools/check/ktap.py [--label NAME] [--json] FILE|-

A leaf is a result with no nested results under it: each kselftest_harness
test, or a program that printed no results of its own (a crash before its
first test is one failure). A program that failed although every test in it
passed (it crashed between tests, or lost some) adds one failure of its own.
A stream that ends early fails whatever had no result line yet.

Lines that are not KTAP (kernel messages on a shared console, junk) are
ignored, and a line cut in two by a kernel message is put back together.
Exit status: 1 if anything failed, 0 otherwise, 2 on bad usage.
"""

import argparse
import io
import json
import re
import sys

PASS, FAIL, SKIP = 'PASS', 'FAIL', 'SKIP'

VERSION_RE = re.compile(r'^(?:KTAP|TAP) version \d+\s*$')
PLAN_RE = re.compile(r'^1\.\.(\d+)\s*(?:#\s*(.*))?$')
RESULT_RE = re.compile(r'^(ok|not ok) (\d+)\b\s*(?:-\s+)?(.*)$')
DIRECTIVE_RE = re.compile(
    r'^(.*?)\s*#\s*(SKIP|TODO|XFAIL|XPASS|error)\b[:\s]*(.*)$',
    re.IGNORECASE)
SUBTEST_RE = re.compile(r'^#\s*Subtest:\s*(.+?)\s*$')
HARNESS_RUN_RE = re.compile(r'^#\s+RUN\s+(\S+)\s+\.\.\.\s*$')
# kselftest_harness's own progress lines, left out of failure reports.
HARNESS_MARK_RE = re.compile(
    r'^#\s+(?:(?:RUN|OK|FAIL)\s+\S+(?:\s+\.\.\.)?'
    r'|Starting \d+ tests from \d+ test cases\.)\s*$')
# A printk timestamp, as the console shows it: "[   12.345678] ".
KMSG_RE = re.compile(r'\[\s*\d+\.\d{6}\]')


class Result:
    """One result line, with the results nested under it."""

    def __init__(self, name, status, reason='', diagnostics=None,
                 children=None, planned=None):
        self.name = name
        self.status = status
        self.reason = reason
        self.diagnostics = diagnostics or []
        self.children = children or []
        self.planned = planned

    def leaves(self, prefix=''):
        """Leaf results under this one, named 'parent.child'."""
        name = prefix + self.name
        if not self.children:
            return [Leaf(name, self.status, self.reason, self.diagnostics)]
        found = []
        for child in self.children:
            found += child.leaves(name + '.')
        missing = (self.planned or 0) - len(self.children)
        if self.status == FAIL and not any(x.status == FAIL for x in found):
            why = self.reason or 'failed after its tests'
            if missing > 0:
                why += ', %d of %d tests gave no result' % (missing,
                                                           self.planned)
            found.append(Leaf(name, FAIL, why, self.diagnostics))
        elif self.status != FAIL and missing > 0:
            found.append(Leaf(name, FAIL, '%d of %d tests gave no result'
                              % (missing, self.planned), self.diagnostics))
        return found

    def to_json(self):
        return {
            'name': self.name,
            'status': self.status,
            'reason': self.reason,
            'tests': [x.to_json() for x in self.leaves()],
        }


class Leaf:
    """A counted result: full name, PASS/FAIL/SKIP, reason, log lines."""

    def __init__(self, name, status, reason='', diagnostics=None):
        self.name = name
        self.status = status
        self.reason = reason
        self.diagnostics = diagnostics or []

    def to_json(self):
        d = {'name': self.name, 'status': self.status}
        if self.reason:
            d['reason'] = self.reason
        return d


class _Level:
    """Results being collected at one indentation."""

    def __init__(self, indent):
        self.indent = indent
        self.plan = None
        self.plan_skip = ''
        self.results = []
        self.diagnostics = []
        self.subtest = None     # "# Subtest: name" announces the next result
        self.running = None     # kselftest_harness "#  RUN name ..."


def _strip_harness_prefix(name):
    # TEST() puts its tests in the fixture "global": drop the noise.
    return name[len('global.'):] if name.startswith('global.') else name


def _status(ok, directive):
    directive = (directive or '').upper()
    if directive in ('SKIP', 'TODO'):
        return SKIP
    if directive == 'XFAIL':
        return PASS
    return PASS if ok else FAIL


def _looks_like_ktap(line):
    text = line.strip()
    return bool(text.startswith('#') or VERSION_RE.match(text)
                or PLAN_RE.match(text) or RESULT_RE.match(text))


def unsplice(lines):
    """Yield lines with console junk handled: kernel messages are dropped,
    and a userspace line one was printed into is rejoined with its tail
    (the next line that does not read as a line of its own)."""
    carry = ''
    for raw in lines:
        line = raw.rstrip('\n').replace('\r', '')
        m = KMSG_RE.search(line)
        if m:
            if m.start() > 0 and line[:m.start()].strip():
                if carry:
                    yield carry
                carry = line[:m.start()]
            continue
        if carry:
            if _looks_like_ktap(line):
                yield carry
            else:
                line = carry + line
            carry = ''
        yield line
    if carry:
        yield carry


class Report:
    """Top-level results of one or more KTAP documents."""

    def __init__(self):
        self.results = []
        self.seen_ktap = False

    def leaves(self):
        found = []
        for r in self.results:
            found += r.leaves()
        if not found and not self.seen_ktap:
            found.append(Leaf('(no KTAP output)', FAIL, 'no result at all'))
        return found

    def totals(self):
        counts = {PASS: 0, FAIL: 0, SKIP: 0}
        for leaf in self.leaves():
            counts[leaf.status] += 1
        return {'passed': counts[PASS], 'failed': counts[FAIL],
                'skipped': counts[SKIP]}

    def to_json(self, label=None):
        d = {}
        if label:
            d['label'] = label
        d.update(self.totals())
        d['programs'] = [r.to_json() for r in self.results]
        return d


class Parser:
    """Feed lines one at a time; finish() returns the Report."""

    def __init__(self):
        self.report = Report()
        self.stack = []

    def feed(self, line):
        indent = len(line) - len(line.lstrip(' '))
        text = line.strip()
        if not text:
            return
        result = RESULT_RE.match(text)
        version = VERSION_RE.match(text)
        plan = PLAN_RE.match(text)
        if not (result or version or plan or text.startswith('#')):
            top = self.stack[-1] if self.stack else None
            if top and 0 < top.indent <= indent:
                top.diagnostics.append(text)
            return
        if result or version or plan:
            self.report.seen_ktap = True
        if version and indent == 0 and self.stack and \
                (self.stack[0].results or len(self.stack) > 1):
            self.finish()       # another document follows the first
        if result:
            self._result(indent, result.group(1) == 'ok',
                         int(result.group(2)), result.group(3))
            return
        level = self._level(indent)
        if plan:
            level.plan = int(plan.group(1))
            level.plan_skip = plan.group(2) or ''
            return
        if version:
            return
        m = SUBTEST_RE.match(text)
        if m:
            level.subtest = m.group(1)
            return
        m = HARNESS_RUN_RE.match(text)
        if m:
            level.running = m.group(1)
        level.diagnostics.append(text)

    def finish(self):
        """End of a document: whatever has no result line yet failed."""
        if not self.stack:
            return self.report
        top_indent = self.stack[0].indent
        closed = self._close_deeper(top_indent)
        top = self.stack.pop()
        if closed is not None:
            top.results.append(self._unfinished(closed, top))
        self._pending_run(top)
        if top.plan is not None:
            for n in range(len(top.results) + 1, top.plan + 1):
                top.results.append(Result('test %d' % n, FAIL,
                                          'no result: output ended'))
        self.report.results += top.results
        return self.report

    def _level(self, indent):
        """The level a non-result line at INDENT belongs to: a deeper line
        opens a level; a shallower one leaves the deeper levels open."""
        if not self.stack or indent > self.stack[-1].indent:
            self.stack.append(_Level(indent))
            return self.stack[-1]
        for level in reversed(self.stack):
            if level.indent <= indent:
                return level
        return self.stack[0]

    def _close_deeper(self, indent):
        """Close the levels deeper than INDENT; return the shallowest of
        them, with what was left open under it folded in as failures."""
        closed = None
        while self.stack and self.stack[-1].indent > indent:
            level = self.stack.pop()
            if closed is not None:
                level.results.append(self._unfinished(closed, level))
            self._pending_run(level)
            closed = level
        return closed

    @staticmethod
    def _pending_run(level):
        # A harness test that started and never reported is what crashed.
        if level.running:
            level.results.append(Result(
                _strip_harness_prefix(level.running), FAIL, 'no result',
                level.diagnostics))
            level.running = None
            level.diagnostics = []

    @staticmethod
    def _unfinished(child, parent):
        name = child.subtest or 'test %d' % (len(parent.results) + 1)
        return Result(name, FAIL, 'no result', child.diagnostics,
                      child.results, child.plan)

    def _result(self, indent, ok, number, rest):
        child = self._close_deeper(indent)
        if not self.stack or self.stack[-1].indent < indent:
            self.stack.append(_Level(indent))
        level = self.stack[-1]
        description, directive, reason = rest.strip(), '', ''
        m = DIRECTIVE_RE.match(rest)
        if m:
            description = m.group(1).strip()
            directive = m.group(2).upper()
            reason = m.group(3).strip()
        name = description or level.running or \
            (child.subtest if child else None) or 'test %d' % number
        status = _status(ok, directive)
        if directive == 'TODO':
            reason = ('TODO ' + reason).strip()
        elif directive == 'ERROR' and not reason:
            reason = 'error'
        result = Result(_strip_harness_prefix(name), status, reason,
                        level.diagnostics)
        if child is not None:
            result.children = child.results
            result.planned = child.plan
            result.diagnostics = level.diagnostics + child.diagnostics
            if status == SKIP and not reason:
                result.reason = child.plan_skip.partition('SKIP')[2].strip()
            if status == FAIL and not reason and child.diagnostics:
                # mmscope-selftests says why a program failed last.
                why = child.diagnostics[-1].lstrip('# ')
                if why.startswith(name + ': '):
                    why = why[len(name) + 2:]
                result.reason = why
        level.results.append(result)
        level.diagnostics = []
        level.running = None


def parse(stream):
    """Parse KTAP from an iterable of lines; return a Report."""
    parser = Parser()
    for line in unsplice(stream):
        parser.feed(line)
    return parser.finish()


def parse_file(path):
    if path == '-':
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding='utf-8',
                                  errors='replace')
        return parse(stream)
    with open(path, encoding='utf-8', errors='replace') as f:
        return parse(f)


def format_text(report, label=None, diagnostics=20):
    lines = []
    for leaf in report.leaves():
        line = '  %s %s' % (leaf.status, leaf.name)
        if leaf.reason:
            line += ' (%s)' % leaf.reason
        lines.append(line)
        if leaf.status == FAIL and diagnostics:
            shown = [d for d in leaf.diagnostics
                     if not HARNESS_MARK_RE.match(d)]
            for d in shown[-diagnostics:]:
                lines.append('      ' + d)
    t = report.totals()
    lines.append('%s%d passed, %d failed, %d skipped' % (
        label + ': ' if label else '', t['passed'], t['failed'],
        t['skipped']))
    return '\n'.join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Count the leaf results of mmscope-selftests KTAP.')
    ap.add_argument('--label', help='name for the summary line, '
                    'e.g. x86_64-bookworm')
    ap.add_argument('--json', action='store_true',
                    help='print the results as JSON')
    ap.add_argument('file', help="KTAP output, or '-' for stdin")
    args = ap.parse_args(argv)
    try:
        report = parse_file(args.file)
    except OSError as e:
        print('ktap.py: %s: %s' % (args.file, e.strerror), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.to_json(args.label), indent=2))
    else:
        print(format_text(report, args.label))
    return 1 if report.totals()['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
