using FluidManager.Grains;
using FluidManager.Grains.Work;
using FluidManager.Knowledge;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;

var builder = Host.CreateApplicationBuilder(args);

builder.AddFluidRuntime();
builder.AddFluidSilo();
builder.AddFluidTelemetry("fluidmanager-silo");
builder.AddGrains();
builder.AddModels();
builder.AddAgentWork();
builder.AddKnowledge();
builder.AddSiloPumps();

builder.Build().Run();
