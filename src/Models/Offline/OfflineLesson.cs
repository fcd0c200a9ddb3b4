using System.Text.RegularExpressions;

namespace FluidManager.Models.Offline;

/// <summary>
/// The offline model's answer to a lesson request (<see cref="LessonContext"/>): one short sentence that ties the
/// person's words to the kind of work they were about, so a similar task's briefing finds it again by its words and
/// its meaning. A rejection's lesson applies before asking for approval, a retry's from the start; feedback that is
/// only praise or acknowledgement ("thanks", "looks good") teaches nothing: the answer is then a null lesson.
/// </summary>
internal static partial class OfflineLesson
{
    private const int MaxReason = 400;

    public static string Write(LessonContext context)
    {
        var reason = Reason(context.Feedback.Text);
        if (reason is null)
        {
            return LessonContext.Answer(null);
        }

        var title = context.Task.Title.ReplaceLineEndings(" ").Trim();
        var when = context.Feedback.Kind switch
        {
            "rejection" => $"On work like \"{title}\", before asking for approval: ",
            "retry" => $"On work like \"{title}\", from the start: ",
            _ => $"On work like \"{title}\": ",
        };
        return LessonContext.Answer(when + reason + ".");
    }

    /// <summary>The feedback as the body of a lesson, or null when it teaches nothing.</summary>
    private static string? Reason(string feedback)
    {
        var text = feedback.ReplaceLineEndings(" ").Trim().TrimEnd('.', '!', ';', ',', ' ');
        if (text.Length == 0 || Acknowledgement().IsMatch(text) || Words().Count(text) < 2)
        {
            return null;
        }

        return text.Length <= MaxReason ? text : text[..(MaxReason - 1)] + "…";
    }

    [GeneratedRegex(@"^((ok(ay)?|thanks?( you)?( very much)?|good( job| work)?|great( job| work)?|nice( work)?|well done|perfect|looks (good|great|fine)( to me)?|lgtm|fine|approved|agreed|noted|yes)\W*)+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Acknowledgement();

    [GeneratedRegex(@"\p{L}+", RegexOptions.CultureInvariant)]
    private static partial Regex Words();
}
