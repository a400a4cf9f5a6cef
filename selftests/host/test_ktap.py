# SPDX-License-Identifier: GPL-2.0
"""tools/check/ktap.py: leaf counting on KTAP as mmscope-selftests prints it.

The first samples are real output (a guest run, kselftest_harness programs
built and run on this host through the guest runner under busybox sh); the
others are cut from them to cover what a guest's console can do to a stream:
crashes, a stream that stops, kernel messages in between."""

import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
from contextlib import redirect_stdout

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, os.path.join(TOP, 'tools', 'check'))

import ktap  # noqa: E402


def parse(text):
    return ktap.parse(io.StringIO(textwrap.dedent(text)))


def statuses(report):
    return [(leaf.status, leaf.name) for leaf in report.leaves()]


# Real: the start and end of a bookworm x86_64 guest run.
GUEST_RUN = '''\
KTAP version 1
1..2
  # Subtest: core/core_features
  TAP version 13
  1..3
  # Starting 3 tests from 2 test cases.
  #  RUN           features.lines_are_well_formed ...
  #            OK  features.lines_are_well_formed
  ok 1 features.lines_are_well_formed
  #  RUN           features.every_symbol_resolved ...
  #      SKIP      not in this kernel's kallsyms: init_mm (pagewalk-kernel)
  #            OK  features.every_symbol_resolved
  ok 2 # SKIP not in this kernel's kallsyms: init_mm (pagewalk-kernel)
  #  RUN           global.ioctl_nonzero_flags_is_einval ...
  #            OK  global.ioctl_nonzero_flags_is_einval
  ok 3 global.ioctl_nonzero_flags_is_einval
  # PASSED: 3 / 3 tests passed.
  # Totals: pass:2 fail:0 xfail:0 xpass:0 skip:1 error:0
ok 1 core/core_features
  # Subtest: core/core_version
  TAP version 13
  1..2
  # Starting 2 tests from 2 test cases.
  #  RUN           version.suite_version_matches_build ...
  # core/core_version.c:57:suite_version_matches_build:Expected '9.9.9' == '0.1.0'.
  # suite_version_matches_build: Test failed at step #4
  #          FAIL  version.suite_version_matches_build
  not ok 1 version.suite_version_matches_build
  #  RUN           ioc.size_below_v0_is_einval ...
  #            OK  ioc.size_below_v0_is_einval
  ok 2 ioc.size_below_v0_is_einval
  # FAILED: 1 / 2 tests passed.
  # Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0
  # core/core_version: exit status 1
not ok 2 core/core_version
'''


class GuestRun(unittest.TestCase):
    def test_leaves_named_program_dot_test(self):
        r = parse(GUEST_RUN)
        self.assertEqual(statuses(r), [
            ('PASS', 'core/core_features.features.lines_are_well_formed'),
            ('SKIP', 'core/core_features.features.every_symbol_resolved'),
            ('PASS', 'core/core_features.ioctl_nonzero_flags_is_einval'),
            ('FAIL', 'core/core_version.version.suite_version_matches_build'),
            ('PASS', 'core/core_version.ioc.size_below_v0_is_einval'),
        ])
        self.assertEqual(r.totals(),
                         {'passed': 3, 'failed': 1, 'skipped': 1})

    def test_skip_reason_and_failure_log_kept(self):
        leaves = parse(GUEST_RUN).leaves()
        self.assertEqual(leaves[1].reason, "not in this kernel's kallsyms: "
                         "init_mm (pagewalk-kernel)")
        self.assertIn("# core/core_version.c:57:suite_version_matches_build:"
                      "Expected '9.9.9' == '0.1.0'.", leaves[3].diagnostics)

    def test_programs_keep_their_own_status(self):
        r = parse(GUEST_RUN)
        self.assertEqual([(p.name, p.status, p.reason) for p in r.results], [
            ('core/core_features', 'PASS', ''),
            ('core/core_version', 'FAIL', 'exit status 1'),
        ])


class Shapes(unittest.TestCase):
    def test_program_without_subtests_is_one_result(self):
        r = parse('''\
            KTAP version 1
            1..3
              # Subtest: core/early
              # core/early: killed by SIGSEGV
            not ok 1 core/early
              # Subtest: core/none
            ok 2 core/none
              # Subtest: thp/skipper
              TAP version 13
              1..0 # SKIP THP disabled in this kernel
            ok 3 thp/skipper # SKIP THP disabled in this kernel
            ''')
        self.assertEqual(statuses(r), [('FAIL', 'core/early'),
                                       ('PASS', 'core/none'),
                                       ('SKIP', 'thp/skipper')])
        self.assertEqual(r.leaves()[0].reason, 'killed by SIGSEGV')
        self.assertEqual(r.leaves()[2].reason, 'THP disabled in this kernel')

    def test_skip_reason_from_plan_when_runner_gives_none(self):
        r = parse('''\
            KTAP version 1
            1..1
              1..0 # SKIP needs root
            ok 1 core/x # SKIP
            ''')
        self.assertEqual(r.leaves()[0].reason, 'needs root')

    def test_crash_between_tests_counts_the_program(self):
        r = parse('''\
            KTAP version 1
            1..1
              # Subtest: pagewalk/walk
              TAP version 13
              1..3
              ok 1 global.first
              # pagewalk/walk: killed by SIGSEGV
            not ok 1 pagewalk/walk
            ''')
        self.assertEqual(statuses(r), [('PASS', 'pagewalk/walk.first'),
                                       ('FAIL', 'pagewalk/walk')])
        self.assertEqual(r.leaves()[1].reason, 'killed by SIGSEGV, '
                         '2 of 3 tests gave no result')

    def test_crash_inside_a_test_fails_that_test(self):
        r = parse('''\
            KTAP version 1
            1..1
              # Subtest: thp/split
              TAP version 13
              1..2
              #  RUN           global.first ...
              ok 1 global.first
              #  RUN           global.second ...
              # thp/split: timed out after 600s
            not ok 1 thp/split
            ''')
        self.assertEqual(statuses(r), [('PASS', 'thp/split.first'),
                                       ('FAIL', 'thp/split.second')])
        self.assertEqual(r.leaves()[1].reason, 'no result')
        self.assertEqual(r.totals()['failed'], 1)

    def test_nested_three_levels(self):
        r = parse('''\
            KTAP version 1
            1..1
              KTAP version 1
              1..2
                KTAP version 1
                1..2
                ok 1 leaf_a
                not ok 2 leaf_b
              not ok 1 group
              ok 2 lone
            not ok 1 mod/prog
            ''')
        self.assertEqual(statuses(r), [('PASS', 'mod/prog.group.leaf_a'),
                                       ('FAIL', 'mod/prog.group.leaf_b'),
                                       ('PASS', 'mod/prog.lone')])

    def test_directives(self):
        r = parse('''\
            TAP version 13
            1..5
            ok 1 # XFAIL known to fail here
            not ok 2 later # TODO not written yet
            not ok 3 # error setup went wrong
            ok 4 - dashed name
            not ok 5 name # SKIP: not on arm64
            ''')
        self.assertEqual(statuses(r), [('PASS', 'test 1'),
                                       ('SKIP', 'later'),
                                       ('FAIL', 'test 3'),
                                       ('PASS', 'dashed name'),
                                       ('SKIP', 'name')])
        self.assertEqual(r.leaves()[1].reason, 'TODO not written yet')
        self.assertEqual(r.leaves()[2].reason, 'setup went wrong')
        self.assertEqual(r.leaves()[4].reason, 'not on arm64')

    def test_two_documents_add_up(self):
        r = parse(GUEST_RUN + GUEST_RUN)
        self.assertEqual(r.totals(),
                         {'passed': 6, 'failed': 2, 'skipped': 2})


class Truncated(unittest.TestCase):
    def test_stream_ending_mid_program(self):
        cut = GUEST_RUN[:GUEST_RUN.index('  #          FAIL')]
        r = parse(cut)
        self.assertEqual(statuses(r), [
            ('PASS', 'core/core_features.features.lines_are_well_formed'),
            ('SKIP', 'core/core_features.features.every_symbol_resolved'),
            ('PASS', 'core/core_features.ioctl_nonzero_flags_is_einval'),
            ('FAIL', 'core/core_version.version.suite_version_matches_build'),
        ])
        self.assertEqual(r.leaves()[3].reason, 'no result')

    def test_programs_never_started_fail(self):
        r = parse('''\
            KTAP version 1
            1..3
              # Subtest: core/a
              1..1
              ok 1 global.one
            ok 1 core/a
              # Subtest: core/b
              1..2
              ok 1 global.one
            ''')
        self.assertEqual(statuses(r), [('PASS', 'core/a.one'),
                                       ('PASS', 'core/b.one'),
                                       ('FAIL', 'core/b'),
                                       ('FAIL', 'test 3')])
        self.assertEqual(r.leaves()[2].reason,
                         'no result, 1 of 2 tests gave no result')

    def test_nothing_at_all_is_a_failure(self):
        for text in ('', 'Booting Linux...\n[    0.000000] Linux version\n'):
            r = parse(text)
            self.assertEqual(r.totals(),
                             {'passed': 0, 'failed': 1, 'skipped': 0})

    def test_empty_plan_is_not_a_failure(self):
        r = parse('KTAP version 1\n1..0\n')
        self.assertEqual(r.totals(), {'passed': 0, 'failed': 0, 'skipped': 0})


class Junk(unittest.TestCase):
    def test_kernel_messages_and_crlf_interleaved(self):
        lines = GUEST_RUN.splitlines()
        noisy = []
        for i, line in enumerate(lines):
            noisy.append(line + '\r')
            if i % 4 == 1:
                noisy.append('[   12.%06d] mmscope_core: mmscope 0.1.0, uapi 1'
                             % i)
            if i % 7 == 3:
                noisy.append('random junk ok 7 not a result')
        noisy.insert(5, '\x1b[0m\x00binary')
        r = ktap.parse(io.StringIO('\n'.join(noisy) + '\n'))
        self.assertEqual(statuses(r), statuses(parse(GUEST_RUN)))

    def test_line_cut_by_a_kernel_message_is_rejoined(self):
        r = parse('''\
            KTAP version 1
            1..1
              1..2
              ok 1 global.fir[   33.123456] random: crng init done
            st
              ok 2 global.second
            ok 1 core/x
            ''')
        self.assertEqual(statuses(r), [('PASS', 'core/x.first'),
                                       ('PASS', 'core/x.second')])

    def test_logged_kernel_line_does_not_swallow_the_next_result(self):
        r = parse('''\
            KTAP version 1
            1..1
              1..2
              # kernel log: [   12.345678] BUG: unable to handle page fault
              ok 1 global.one
              ok 2 global.two
            ok 1 core/x
            ''')
        self.assertEqual(statuses(r), [('PASS', 'core/x.one'),
                                       ('PASS', 'core/x.two')])

    def test_junk_line_that_looks_like_a_comment_is_harmless(self):
        r = parse('''\
            KTAP version 1
            1..1
              1..1
            # stray comment at the top level
              ok 1 global.one
            ok 1 core/x
            ''')
        self.assertEqual(statuses(r), [('PASS', 'core/x.one')])


class Cli(unittest.TestCase):
    def run_main(self, text, *args):
        with tempfile.NamedTemporaryFile('w', suffix='.ktap') as f:
            f.write(text)
            f.flush()
            out = io.StringIO()
            with redirect_stdout(out):
                rc = ktap.main(list(args) + [f.name])
        return rc, out.getvalue()

    def test_text_form(self):
        rc, out = self.run_main(GUEST_RUN, '--label', 'x86_64-bookworm')
        self.assertEqual(rc, 1)
        lines = out.splitlines()
        self.assertEqual(lines[0], '  PASS core/core_features.features.'
                         'lines_are_well_formed')
        self.assertIn("  SKIP core/core_features.features.every_symbol_"
                      "resolved (not in this kernel's kallsyms: init_mm "
                      "(pagewalk-kernel))", lines)
        self.assertIn('  FAIL core/core_version.version.suite_version_'
                      'matches_build', lines)
        self.assertEqual(lines[-1],
                         'x86_64-bookworm: 3 passed, 1 failed, 1 skipped')
        # failure log without the harness's progress lines
        self.assertNotIn('RUN', out)

    def test_json_form(self):
        rc, out = self.run_main(GUEST_RUN, '--json', '--label', 'l')
        d = json.loads(out)
        self.assertEqual(rc, 1)
        self.assertEqual((d['label'], d['passed'], d['failed'], d['skipped']),
                         ('l', 3, 1, 1))
        self.assertEqual(d['programs'][1]['name'], 'core/core_version')
        self.assertEqual(d['programs'][0]['tests'][1]['reason'],
                         "not in this kernel's kallsyms: init_mm "
                         "(pagewalk-kernel)")

    def test_all_passed_exits_zero(self):
        rc, out = self.run_main(GUEST_RUN[:GUEST_RUN.index('  # Subtest: '
                                                          'core/core_version')]
                                .replace('1..2', '1..1', 1))
        self.assertEqual(rc, 0)
        self.assertEqual(out.splitlines()[-1], '2 passed, 0 failed, 1 skipped')

    def test_stdin(self):
        p = subprocess.run([sys.executable,
                            os.path.join(TOP, 'tools', 'check', 'ktap.py'),
                            '-'], input=GUEST_RUN.encode(),
                           stdout=subprocess.PIPE, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertTrue(p.stdout.endswith(b'3 passed, 1 failed, 1 skipped\n'))


# kselftest_harness programs of every kind, one source, picked with -D.
HARNESS_PROGRAM = r'''
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include "kselftest_harness.h"

#if defined(MIXED)
TEST(passes) { ASSERT_EQ(1, 1); }
TEST(fails) { int v = 2; ASSERT_EQ(1, v) TH_LOG("value was %d", v); }
TEST(skips) { SKIP(return, "no widget here"); }
TEST(crashes) { raise(SIGSEGV); }
FIXTURE(fx) { int x; };
FIXTURE_SETUP(fx) { self->x = 3; }
FIXTURE_TEARDOWN(fx) { }
FIXTURE_VARIANT(fx) { int want; };
FIXTURE_VARIANT_ADD(fx, three) { .want = 3 };
FIXTURE_VARIANT_ADD(fx, four) { .want = 4 };
TEST_F(fx, equals) { EXPECT_EQ(variant->want, self->x); }
#elif defined(HANGS)
TEST(first) { }
TEST(hangs) { pause(); }
#elif defined(SKIPS_ALL)
static void __attribute__((constructor)) skip_all(void)
{
	ksft_print_header();
	ksft_exit_skip("no mmscope here\n");
}
TEST(never) { }
#elif defined(DIES_EARLY)
static void __attribute__((constructor)) die(void) { raise(SIGSEGV); }
TEST(never) { }
#else
TEST(one) { }
TEST(two) { }
#endif
TEST_HARNESS_MAIN
'''

PROGRAMS = {
    'demo/mixed': '-DMIXED',
    'demo/passes': '',
    'other/hangs': '-DHANGS',
    'other/skips_all': '-DSKIPS_ALL',
    'other/dies_early': '-DDIES_EARLY',
    'other/aa_reload': '',
}


def kselftest_headers():
    tool = os.path.join(TOP, 'tools', 'vm', 'mmscope-linux-source')
    try:
        out = subprocess.run([tool], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return os.path.join(out.stdout.strip(), 'tools', 'testing', 'selftests')


class RealHarness(unittest.TestCase):
    """kselftest_harness programs, built here, run by the guest runner.

    They need gcc and busybox; under `make check` (which installs both,
    MMSCOPE_HOST_DEPS_INSTALLED=1) their absence is a failure, not a skip.
    """

    @classmethod
    def setUpClass(cls):
        missing = [t for t in ('gcc', 'busybox') if not shutil.which(t)]
        if missing:
            why = 'needs ' + ' and '.join(missing)
            if os.environ.get('MMSCOPE_HOST_DEPS_INSTALLED'):
                raise RuntimeError(why + ', which tools/deps check installs')
            raise unittest.SkipTest(why)
        headers = kselftest_headers()
        if not headers:
            raise unittest.SkipTest('no kselftest headers (linux-source)')
        cls.tmp = tempfile.mkdtemp(prefix='test_ktap.')
        cls.dir = os.path.join(cls.tmp, 'selftests')
        src = os.path.join(cls.tmp, 'prog.c')
        with open(src, 'w') as f:
            f.write(HARNESS_PROGRAM)
        for name, flag in PROGRAMS.items():
            out = os.path.join(cls.dir, name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            cmd = ['gcc', '-O1', '-Wall', '-Werror', '-D_GNU_SOURCE',
                   '-isystem', headers, '-o', out, src]
            subprocess.run(cmd + ([flag] if flag else []), check=True)
        env = dict(os.environ, MMSCOPE_SELFTESTS_DIR=cls.dir)
        p = subprocess.run(
            ['busybox', 'sh', os.path.join(TOP, 'selftests',
                                           'mmscope-selftests'), '-t', '3'],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            timeout=60, text=True, check=False)
        cls.rc, cls.out, cls.err = p.returncode, p.stdout, p.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_one_program_alone(self):
        p = subprocess.run([os.path.join(self.dir, 'demo', 'mixed')],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, check=False)
        self.assertEqual(p.returncode, 1)
        r = ktap.parse(io.StringIO(p.stdout))
        self.assertEqual(statuses(r), [('PASS', 'passes'), ('FAIL', 'fails'),
                                       ('SKIP', 'skips'), ('FAIL', 'crashes'),
                                       ('PASS', 'fx.three.equals'),
                                       ('FAIL', 'fx.four.equals')])
        self.assertEqual(r.leaves()[2].reason, 'no widget here')

    def test_runner_document(self):
        lines = self.out.splitlines()
        self.assertEqual(lines[:2], ['KTAP version 1', '1..6'], self.out)
        results = [x for x in lines if x.startswith(('ok ', 'not ok '))]
        self.assertEqual(results, [
            'not ok 1 demo/mixed',
            'ok 2 demo/passes',
            'not ok 3 other/dies_early',
            'not ok 4 other/hangs',
            'ok 5 other/skips_all # SKIP no mmscope here',
            'ok 6 other/aa_reload',     # *_reload programs run last
        ])
        self.assertEqual(self.rc, 1)

    def test_runner_output_counted(self):
        r = ktap.parse(io.StringIO(self.out))
        self.assertEqual(statuses(r), [
            ('PASS', 'demo/mixed.passes'),
            ('FAIL', 'demo/mixed.fails'),
            ('SKIP', 'demo/mixed.skips'),
            ('FAIL', 'demo/mixed.crashes'),
            ('PASS', 'demo/mixed.fx.three.equals'),
            ('FAIL', 'demo/mixed.fx.four.equals'),
            ('PASS', 'demo/passes.one'),
            ('PASS', 'demo/passes.two'),
            ('FAIL', 'other/dies_early'),
            ('PASS', 'other/hangs.first'),
            ('FAIL', 'other/hangs.hangs'),
            ('SKIP', 'other/skips_all'),
            ('PASS', 'other/aa_reload.one'),
            ('PASS', 'other/aa_reload.two'),
        ])
        leaves = {x.name: x for x in r.leaves()}
        self.assertEqual(leaves['other/dies_early'].reason,
                         'killed by SIGSEGV')
        self.assertIn('# other/hangs: timed out after 3s',
                      leaves['other/hangs.hangs'].diagnostics)
        self.assertIn('value was 2',
                      ' '.join(leaves['demo/mixed.fails'].diagnostics))

    def test_list_and_bad_module(self):
        env = dict(os.environ, MMSCOPE_SELFTESTS_DIR=self.dir)
        runner = os.path.join(TOP, 'selftests', 'mmscope-selftests')
        p = subprocess.run(['busybox', 'sh', runner, '-l', 'other', 'demo'],
                           stdout=subprocess.PIPE, env=env, text=True,
                           check=False)
        self.assertEqual(p.stdout.split(), [
            'other/dies_early', 'other/hangs', 'other/skips_all',
            'demo/mixed', 'demo/passes', 'other/aa_reload'])
        p = subprocess.run(['busybox', 'sh', runner, 'nope'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, text=True, check=False)
        self.assertEqual((p.returncode, p.stdout), (2, ''))
        self.assertIn("no selftests module or program 'nope'", p.stderr)

    def test_single_programs(self):
        """A program by module/name or by its name alone; reloads last."""
        env = dict(os.environ, MMSCOPE_SELFTESTS_DIR=self.dir)
        runner = os.path.join(TOP, 'selftests', 'mmscope-selftests')
        p = subprocess.run(['busybox', 'sh', runner, '-l', 'other/aa_reload',
                            'passes', 'other/hangs'],
                           stdout=subprocess.PIPE, env=env, text=True,
                           check=False)
        self.assertEqual(p.stdout.split(), [
            'demo/passes', 'other/hangs', 'other/aa_reload'])
        p = subprocess.run(['busybox', 'sh', runner, 'demo/hangs'],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=env, text=True, check=False)
        self.assertEqual((p.returncode, p.stdout), (2, ''))
        self.assertIn("no selftests module or program 'demo/hangs'",
                      p.stderr)


if __name__ == '__main__':
    unittest.main()
