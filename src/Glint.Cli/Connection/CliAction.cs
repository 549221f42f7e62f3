using System.CommandLine;

namespace Glint.Cli.Connection;

/// <summary>Runs a command's action and turns a <see cref="CliException"/> into its message on standard error and exit code 1.</summary>
public static class CliAction
{
    public static void Set(Command command, Func<ParseResult, CancellationToken, Task<int>> action) =>
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                return await action(parse, cancellationToken);
            }
            catch (CliException failure)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(failure.Render());
                return 1;
            }
        });
}
