/* cli.h — the techrace program's subcommands. Each takes the arguments after
 * its name (argv[0] is the subcommand name) and returns the exit status:
 * 0 ok, 1 runtime failure, 2 bad input (usage, scenario, override). The CLI
 * uses only the public API in include/techrace/. */
#ifndef TR_CLI_H
#define TR_CLI_H

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_INPUT = 2 };

int cmd_run(int argc, char **argv);
int cmd_scenario(int argc, char **argv);
int cmd_ensemble(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);

#endif
