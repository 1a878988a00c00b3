/**
 * policyctl: the command line for legal staff and operators. It speaks only the public HTTP contract
 * (docs/API.md), so it works the same against `npm start` and a deployed API.
 */
import { version } from '../../package.json';
import { parse, stringOption } from './args';
import { ack } from './commands/ack';
import { counts } from './commands/counts';
import { customersImport } from './commands/customers';
import { diff } from './commands/diff';
import { exportAcknowledgments } from './commands/export';
import { notification } from './commands/notification';
import { publish } from './commands/publish';
import { status } from './commands/status';
import { suppressionsLift, suppressionsList } from './commands/suppressions';
import { type Command, Context, type Io } from './context';
import { CliError, EXIT, oneLine, usageError } from './errors';

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:3000';
export const VERSION = version;

export const COMMANDS: Command[] = [
  publish,
  diff,
  status,
  ack,
  customersImport,
  notification,
  exportAcknowledgments,
  suppressionsList,
  suppressionsLift,
  counts,
];

/** Commands of two words: the first word alone is a group. */
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));

const GLOBAL_OPTIONS = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Global options as [flag, help lines]: a command's help leaves out the ones it describes itself. */
const GLOBAL_ENTRIES: [string, string][] = [
  ['--endpoint', `  --endpoint URL   the API (env POLICY_API_URL; default ${DEFAULT_ENDPOINT})`],
  [
    '--token',
    `  --token T        bearer token (env POLICY_TOKEN; else POLICY_PUBLISHER_TOKEN or POLICY_APP_TOKEN,
                   whichever role the command needs). Prefer the environment: arguments show in ps.`,
  ],
  ['--json', '  --json           machine-readable output on stdout'],
  ['--help', '  -h, --help       this help; policyctl <command> --help for one command'],
  ['--version', "  --version        print policyctl's version"],
];

const EXIT_HELP = `Exit codes: 0 done; 1 the API refused or could not be reached; 2 usage error (arguments, input
files, missing token); 3 customers import rejected some rows; 4 notification --watch timed out;
130 interrupted. Errors are one line on stderr: "error: ...".`;

function globalHelp(describedByCommand = ''): string {
  const documented = (flag: string) => new RegExp(`^ +(?:-\\w, )?${flag}\\b`, 'm').test(describedByCommand);
  const entries = GLOBAL_ENTRIES.filter(([flag]) => !documented(flag)).map(([, text]) => text);
  return `Global options (anywhere on the line):\n${entries.join('\n')}\n\n${EXIT_HELP}`;
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `policyctl: publish policy revisions, check and record acknowledgments, import customers,
follow change emails and export acknowledgments, over the service's HTTP API.

Usage: policyctl [global options] <command> [arguments] [options]

Commands:
${lines.join('\n')}

${globalHelp()}
`;
}

/** `must this user acknowledge the policy (again)?` → `Must this user acknowledge the policy (again)?` */
const sentence = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}${/[.?!]$/.test(s) ? '' : '.'}`;

const commandHelp = (c: Command) =>
  `Usage: policyctl ${c.usage}\n\n${sentence(c.summary)}\n\n${c.help}\n\n${globalHelp(c.help)}\n`;

/** Finds the command words; global options may precede them, anything else must follow. */
function findCommand(argv: string[]): { command?: Command; rest: string[]; group?: string } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      const name = arg.replace(/^--?/, '').split('=')[0]!;
      if ((name === 'endpoint' || name === 'token') && !arg.includes('=')) i++;
      else if (!['json', 'help', 'h', 'version', 'endpoint', 'token'].includes(name)) {
        throw usageError(
          `unknown option ${arg.split('=')[0]} before the command (command options go after it; see policyctl --help)`,
        );
      }
      continue;
    }
    const before = argv.slice(0, i);
    if (arg === 'help') {
      const words = argv.slice(i + 1).filter((a) => !a.startsWith('-'));
      const wanted = COMMANDS.find((c) => c.name === words.slice(0, c.name.split(' ').length).join(' '));
      return { command: wanted, rest: ['--help'], group: wanted ? undefined : words[0] };
    }
    if (GROUPS.has(arg)) {
      const sub = argv[i + 1];
      const command = COMMANDS.find((c) => c.name === `${arg} ${sub}`);
      if (!command) {
        if (sub === undefined || sub === '--help' || sub === '-h') return { rest: ['--help'], group: arg };
        const choices = COMMANDS.filter((c) => c.name.startsWith(`${arg} `)).map((c) => c.name);
        throw usageError(`unknown command '${arg} ${sub}' (try ${choices.join(', ')})`);
      }
      return { command, rest: [...before, ...argv.slice(i + 2)] };
    }
    const command = COMMANDS.find((c) => c.name === arg);
    if (!command) throw usageError(`unknown command '${oneLine(arg, 40)}' (see policyctl --help)`);
    return { command, rest: [...before, ...argv.slice(i + 1)] };
  }
  return { rest: argv };
}

/** Whether one of `flags` is on the line (before a `--`, after which everything is an argument). */
const hasFlag = (args: string[], ...flags: string[]) => {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => flags.includes(a));
};
const wantsHelp = (args: string[]) => hasFlag(args, '--help', '-h');

export async function main(argv: string[], io: Io): Promise<number> {
  let commandName: string | undefined;
  try {
    if (hasFlag(argv, '--version')) {
      io.stdout.write(`policyctl ${VERSION}\n`);
      return EXIT.OK;
    }
    const { command, rest, group } = findCommand(argv);
    if (!command) {
      if (group && GROUPS.has(group)) {
        const subs = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
        io.stdout.write(
          `${subs.map((c) => `Usage: policyctl ${c.usage}\n\n${sentence(c.summary)}`).join('\n\n')}\n`,
        );
        return EXIT.OK;
      }
      // Asked for, or nothing at all on the line: help on stdout. Options but no command: a usage error.
      if (wantsHelp(rest) || argv.length === 0) {
        io.stdout.write(mainHelp());
        return EXIT.OK;
      }
      io.stderr.write(mainHelp());
      return EXIT.USAGE;
    }
    commandName = command.name;
    if (wantsHelp(rest)) {
      io.stdout.write(commandHelp(command));
      return EXIT.OK;
    }
    const parsed = parse(rest, { ...GLOBAL_OPTIONS, ...command.options });
    const ctx = new Context(
      io,
      {
        endpoint: stringOption(parsed.values, 'endpoint') || io.env.POLICY_API_URL || DEFAULT_ENDPOINT,
        token: stringOption(parsed.values, 'token'),
        json: parsed.values.json === true,
      },
      command.name,
    );
    return await command.run(ctx, parsed);
  } catch (e) {
    if (e instanceof CliError) {
      const hint = e.exitCode === EXIT.USAGE && commandName ? ` (see policyctl ${commandName} --help)` : '';
      io.stderr.write(`error: ${oneLine(e.message, 1000)}${hint}\n`);
      return e.exitCode;
    }
    // A bug: still one line, with the stack only on request.
    const err = e instanceof Error ? e : new Error(String(e));
    io.stderr.write(`error: unexpected failure: ${oneLine(err.message)}\n`);
    if (io.env.POLICYCTL_DEBUG) io.stderr.write(`${err.stack}\n`);
    return EXIT.FAILURE;
  }
}
