using FluidManager.Api.Hosting;
using FluidManager.Grains;
using FluidManager.Runtime.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddFluidRuntime();
builder.AddGrains();
builder.AddEventListener();
builder.AddApiServices();

var app = builder.Build();

app.UseApiPipeline();
app.MapHealthEndpoints();
app.MapApiDocumentation();
app.MapDashboard();

app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
