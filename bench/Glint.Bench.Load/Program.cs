// The load driver of bench/run.sh, for what wrk cannot do with one repeated request: seeding users, complete
// authorization code flows, payments between many wallet pairs, start-up timing, and the final table.
using Glint.Bench.Load;

return args.FirstOrDefault() switch
{
    "seed" => await SeedCommand.RunAsync(Arguments.Parse(args[1..])),
    "flows" => await FlowsCommand.RunAsync(Arguments.Parse(args[1..])),
    "payments" => await PaymentsCommand.RunAsync(Arguments.Parse(args[1..])),
    "ready" => await ReadyCommand.RunAsync(args[1..]),
    "report" => await ReportCommand.RunAsync(Arguments.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: Glint.Bench.Load <command> [--name value ...]
          seed      --public URL --admin URL --users N --glint-dll PATH --dsn DSN --out FILE
          flows     --public URL --admin URL --seed FILE --workers N --duration 10s
          payments  --public URL --seed FILE --pairs N --duration 10s
          ready     --url URL --runs N -- COMMAND [ARGS...]
          report    --results FILE --markdown FILE --json FILE [--machine TEXT] [--notes LINES]
        """);
    return 2;
}
