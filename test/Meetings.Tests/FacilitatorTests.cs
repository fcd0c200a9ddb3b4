using FluidManager.Grains.Interfaces.Meetings;
using FluidManager.Grains.Meetings;

namespace FluidManager.Meetings.Tests;

/// <summary>Who speaks next, without a database.</summary>
public sealed class FacilitatorTests
{
    private static readonly Facilitator.Seat[] Seats =
    [
        new(1, "Ada", "CTO", "Engineering"),
        new(2, "Cleo", "CMO", "Marketing"),
        new(3, "Sam", "Head of Sales", "Sales"),
    ];

    [Fact]
    public void Round_robin_in_speaking_order_then_a_new_round_then_nobody_at_the_round_limit()
    {
        var transcript = new List<MeetingMessageDto> { System(1) };
        Facilitator.Next(Seats, transcript, round: 0, roundLimit: 2).Should().Be(new Facilitator.Speaker(1, 1, null));
        transcript.Add(Agent(2, 1, round: 1));
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(2, 1, null));
        transcript.Add(Agent(3, 2, 1));
        transcript.Add(Agent(4, 3, 1));
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(1, 2, null));
        transcript.AddRange([Agent(5, 1, 2), Agent(6, 2, 2), Agent(7, 3, 2)]);
        Facilitator.Next(Seats, transcript, 2, 2).Should().BeNull();
        Facilitator.Next(Seats, transcript, 2, roundLimit: null).Should().Be(new Facilitator.Speaker(1, 3, null), "without a round limit the rounds go on");
    }

    [Fact]
    public void A_question_to_a_participant_comes_first_and_its_answer_does_not_use_the_participants_turn()
    {
        var transcript = new List<MeetingMessageDto> { System(1), Agent(2, 1, 1), Human(3, 1, "What do customers say?", to: 3) };
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(3, 1, 3));

        transcript[2] = transcript[2] with { AnsweredBySeq = 4 };
        transcript.Add(Agent(4, 3, 1));
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(2, 1, null), "Sam answered, but Cleo still comes before Sam in round 1");
        transcript.Add(Agent(5, 2, 1));
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(3, 1, null), "Sam has not had a turn of round 1 yet");
    }

    [Fact]
    public void A_remark_naming_a_role_gives_that_participant_the_floor_among_those_still_waiting_until_someone_speaks()
    {
        var transcript = new List<MeetingMessageDto> { System(1), Agent(2, 1, 1), Human(3, 1, "I want the head of sales view on pricing.") };
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(3, 1, null));
        transcript.Add(Agent(4, 3, 1));
        Facilitator.Next(Seats, transcript, 1, 2).Should().Be(new Facilitator.Speaker(2, 1, null));

        var naming = new List<MeetingMessageDto> { System(1), Agent(2, 1, 1), Agent(3, 2, 1), Agent(4, 3, 1), Human(5, 1, "Ada, and then marketing.") };
        Facilitator.Next(Seats, naming, 1, 3).Should().Be(new Facilitator.Speaker(1, 2, null), "a new round starts with whom the remark names first");
        Facilitator.Names("the CTOs", Seats[0]).Should().BeFalse("names match whole words");
    }

    private static MeetingMessageDto System(int seq) => new(seq, 1, seq, 0, SpeakerKind.System, "Meeting", null, null, "Opened.", null, 0, 0, 0, DateTimeOffset.UnixEpoch);

    private static MeetingMessageDto Agent(int seq, long agent, int round) =>
        new(seq, 1, seq, round, SpeakerKind.Agent, $"agent {agent}", agent, null, "Said something.", null, 0, 0, 0, DateTimeOffset.UnixEpoch);

    private static MeetingMessageDto Human(int seq, int round, string text, long? to = null) =>
        new(seq, 1, seq, round, SpeakerKind.Human, "CEO", null, to, text, null, 0, 0, 0, DateTimeOffset.UnixEpoch);
}
