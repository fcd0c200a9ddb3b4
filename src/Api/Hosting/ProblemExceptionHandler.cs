using System.Text.Json;
using System.Text.RegularExpressions;
using FluidManager.Grains.Interfaces.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FluidManager.Api.Hosting;

/// <summary>
/// Turns refusals into problem details: the domain's exceptions (404, 409, 412, 403, 400 with the
/// offending fields) and bad requests found by the framework (malformed JSON or parameters: 400
/// naming the problem; a body over the limit: 413). Anything else stays a 500.
/// </summary>
public sealed partial class ProblemExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception);
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    public static ProblemDetails? ToProblem(Exception exception)
    {
        ProblemDetails problem;
        switch (exception)
        {
            case ValidationException validation:
                problem = new HttpValidationProblemDetails(validation.Errors.ToDictionary(e => e.Key, e => e.Value))
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "The request is invalid.",
                };
                break;
            case NotFoundException:
                problem = new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found." };
                break;
            case ConflictException:
                problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "The current state does not allow this." };
                break;
            case VersionMismatchException mismatch:
                problem = new ProblemDetails { Status = StatusCodes.Status412PreconditionFailed, Title = "Someone changed it first." };
                problem.Extensions["expectedVersion"] = mismatch.Expected;
                problem.Extensions["actualVersion"] = mismatch.Actual;
                break;
            case PolicyDeniedException denied:
                problem = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "A rule forbids this." };
                problem.Extensions["rule"] = denied.Rule;
                break;
            case DomainException:
                problem = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The request was refused." };
                break;
            case BadHttpRequestException bad:
                return FromBadRequest(bad);
            default:
                return null;
        }

        problem.Detail = exception.Message;
        problem.Extensions["code"] = ((DomainException)exception).Code;
        return problem;
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = bad.Message,
                Extensions = { ["code"] = "body_too_large" },
            };
        }

        var json = bad.InnerException as JsonException;
        var title = json is null ? "The request is malformed." : "The request body is not valid JSON for this endpoint.";
        var field = json is null ? ParameterOf(bad.Message) : FieldOf(json.Path);
        var problem = field is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [json is null ? bad.Message : title] });
        problem.Status = bad.StatusCode;
        problem.Title = title;
        problem.Detail = json is null ? bad.Message : $"{bad.Message} {json.Message}";
        problem.Extensions["code"] = json is null ? Problems.DefaultCode(bad.StatusCode) : "malformed_json";
        return problem;
    }

    /// <summary>"$.profile.firstName" → "profile.firstName"; null for the body as a whole.</summary>
    private static string? FieldOf(string? jsonPath) =>
        jsonPath is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;

    /// <summary>The parameter a binding failure names, such as "assignee" in <c>Failed to bind parameter "long? assignee" from "x".</c></summary>
    private static string? ParameterOf(string message)
    {
        var match = BindingFailure().Match(message);
        return match.Success ? match.Groups["name"].Value : null;
    }

    [GeneratedRegex("""parameter "[^"]*?(?<name>[A-Za-z_][A-Za-z0-9_]*)" """, RegexOptions.CultureInvariant)]
    private static partial Regex BindingFailure();
}
