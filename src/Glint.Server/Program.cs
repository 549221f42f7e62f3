using Glint.Server.Cli;
using Glint.Server.Hosting;

MallocArenas.Limit();
return await GlintCommandLine.Build().Parse(args).InvokeAsync();
