using FluidManager.Grains;
using FluidManager.Runtime.Hosting;

var builder = Host.CreateApplicationBuilder(args);

builder.AddFluidRuntime();
builder.AddGrains();
builder.AddSiloPumps();

builder.Build().Run();
