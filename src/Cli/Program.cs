using System.CommandLine;
using FluidManager.Cli;

var root = new RootCommand("fluidManager from the command line.")
{
    ScenarioCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
