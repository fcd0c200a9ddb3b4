namespace FluidManager.Models.Tests;

/// <summary>The offline model's answer to a lesson request (a <see cref="LessonContext"/> block), and how any model's answer is read.</summary>
public sealed class OfflineLessonTests
{
    private static ChatRequest Request(string kind, string feedback, string title = "Publish the spring sale announcement") => new()
    {
        Messages =
        [
            ChatMessage.System("Propose one lesson as JSON: " + LessonContext.AnswerSchema + "\n" + new LessonContext
            {
                Agent = new LessonAgentRef(8, "Bob Stone", "Copywriter", "Marketing"),
                Task = new LessonTaskRef(42, title, "Announce the sale on the blog."),
                Output = "The announcement draft is attached.",
                Feedback = new LessonFeedback(kind, feedback, "human:1", kind == "rejection" ? "publish the announcement" : null),
            }.ToPromptBlock()),
            ChatMessage.User("Propose the lesson now."),
        ],
        MaxOutputTokens = 200,
    };

    private static async Task<(string? Lesson, ChatResponse Response)> AskAsync(string kind, string feedback)
    {
        var request = Request(kind, feedback);
        var response = await AgentLoop.Offline().GetResponseAsync(request.Messages, request.ToChatOptions(), CancellationToken.None);
        LessonContext.TryParseAnswer(response.Text, out var lesson).Should().BeTrue(response.Text);
        return (lesson, response);
    }

    [Fact]
    public async Task A_rejection_becomes_one_short_lesson_naming_the_work_and_the_reason_with_real_token_counts()
    {
        var (lesson, response) = await AskAsync("rejection", "Sale announcements must state the discount and its end date.");

        lesson.Should().Be("On work like \"Publish the spring sale announcement\", before asking for approval: Sale announcements must state the discount and its end date.");
        response.Usage!.InputTokenCount.Should().BePositive();
        response.Usage.OutputTokenCount.Should().BePositive();
        response.ToolCalls.Should().BeEmpty();
    }

    [Fact]
    public async Task A_retry_and_a_comment_teach_from_the_start_and_on_similar_work()
    {
        (await AskAsync("retry", "Attach the banner image")).Lesson.Should().Be("On work like \"Publish the spring sale announcement\", from the start: Attach the banner image.");
        (await AskAsync("comment", "Use the spring palette for the banner.")).Lesson.Should().Be("On work like \"Publish the spring sale announcement\": Use the spring palette for the banner.");
    }

    [Theory]
    [InlineData("Thanks!")]
    [InlineData("Looks good to me.")]
    [InlineData("ok")]
    [InlineData("Great job")]
    [InlineData("Thanks, looks good.")]
    public async Task Praise_or_an_acknowledgement_teaches_nothing(string feedback) =>
        (await AskAsync("comment", feedback)).Lesson.Should().BeNull();

    [Theory]
    [InlineData("""{"lesson": "Always state the end date."}""", true, "Always state the end date.")]
    [InlineData("```json\n{\"lesson\": null}\n```", true, null)]
    [InlineData("""{"lesson": "none"}""", true, null)]
    [InlineData("""{"lesson": 42}""", false, null)]
    [InlineData("""{"advice": "state the date"}""", false, null)]
    [InlineData("Always state the end date.", false, null)]
    [InlineData("", false, null)]
    public void An_answer_is_a_lesson_only_in_the_shape_asked(string answer, bool valid, string? expected)
    {
        LessonContext.TryParseAnswer(answer, out var lesson).Should().Be(valid);
        lesson.Should().Be(expected);
    }

    [Fact]
    public void A_long_lesson_is_clipped()
    {
        LessonContext.TryParseAnswer(LessonContext.Answer(new string('a', 5000)), out var lesson).Should().BeTrue();
        lesson!.Length.Should().Be(LessonContext.MaxLessonLength);
    }
}
