using FluidManager.Api.Access;
using FluidManager.Api.Demo;
using FluidManager.Api.Events;
using FluidManager.Api.Features;
using FluidManager.Api.Hosting;
using FluidManager.Api.McpEndpoint;
using FluidManager.Api.Operators;
using FluidManager.Grains;
using FluidManager.Grains.Work;
using FluidManager.Knowledge;
using FluidManager.Models.Hosting;
using FluidManager.Runtime.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddFluidRuntime();
builder.AddFluidSilo();
builder.AddGrains();
builder.AddModels();
builder.AddAgentWork();
builder.AddKnowledge();
builder.AddEventListener();
builder.AddApiServices();
builder.AddForwardedHeaders();
builder.AddApiAccess();
builder.AddOperators();
builder.AddOperatorMetrics();
builder.AddLiveEvents();
builder.AddDemoCompany();
builder.AddMcpEndpoint();

var app = builder.Build();

app.UseApiPipeline();
app.MapHealthEndpoints();
app.MapApiDocumentation();
app.MapAccessEndpoints();
app.MapEventEndpoints();
app.MapOperatorEndpoints();
app.MapOrleansDashboardForOperators();
app.MapOperatorMetrics();
app.MapAgentsApi();
app.MapOrgApi();
app.MapPoliciesApi();
app.MapTasksApi();
app.MapEditingApi();
app.MapMissionsApi();
app.MapInboxApi();
app.MapSchedulesApi();
app.MapApprovalsApi();
app.MapCostsApi();
app.MapKnowledgeApi();
app.MapMcpApi();
app.MapMeetingsApi();
app.MapMcpEndpoint();
app.MapCompanyPolicyApi();
app.MapAnalyticsApi();
app.MapAlertsApi();
app.MapWebhooksApi();
app.MapAuditApi();
app.MapMemoryApi();
app.MapWorkflowsApi();
app.MapWorkflowRunsApi();
app.MapWorkflowTriggersApi();
app.MapAgentCapabilitiesApi();
app.MapCompanyTransferApi();
app.MapDashboard();

app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
