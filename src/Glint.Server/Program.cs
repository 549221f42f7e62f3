using Glint.Server.Cli;

return await GlintCommandLine.Build().Parse(args).InvokeAsync();
