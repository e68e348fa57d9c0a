using CallbackFunctions.Domain.Agents;
using CallbackFunctions.Domain.Queues;
using CallbackFunctions.Domain.Rules;

namespace CallbackFunctions.Domain.Tests.Queues;

/// <summary>issue 15: a queue's settings, their defaults (a queue never configured works as before) and their bounds.</summary>
public sealed class QueueSettingsTests
{
    private static bool KnownZone(string id) => id is "America/Chicago" or "Pacific/Auckland";

    private static IReadOnlyList<string> Problems(QueueSettings settings) => settings.Validate(KnownZone);

    private static string Field(string problem) => problem[..problem.IndexOf(':', StringComparison.Ordinal)];

    [Fact]
    public void Default_HasNoSlotsNoMessageNoLimitNoZone_TwoMinutesForThePreferredAgent_AndRetriesAfterTenMinutes()
    {
        var settings = QueueSettings.Default;

        Assert.Empty(settings.Slots);
        Assert.Null(settings.HoldMessage);
        Assert.Equal(TimeSpan.FromMinutes(2), settings.PreferredAgentWait);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.RetryAfter);
        Assert.Null(settings.MaxPending);
        Assert.Null(settings.TimeZone);
        Assert.Equal(CooldownSettings.None, settings.Cooldowns);
        Assert.Empty(Problems(settings));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(3600, true)]
    [InlineData(-1, false)]
    [InlineData(3601, false)]
    public void Cooldowns_FromNoneToAnHour_AreValid_EachUnderItsOwnName(int seconds, bool valid)
    {
        var span = TimeSpan.FromSeconds(seconds);

        var reject = Problems(QueueSettings.Default with { RejectCooldown = span });
        var complete = Problems(QueueSettings.Default with { CompleteCooldown = span });

        Assert.Equal(valid, reject.Count == 0);
        Assert.Equal(valid, complete.Count == 0);
        if (valid) return;
        Assert.Equal("rejectCooldown", Field(Assert.Single(reject)));
        Assert.Equal("completeCooldown", Field(Assert.Single(complete)));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(3600, true)]
    [InlineData(-1, false)]
    [InlineData(3601, false)]
    public void PreferredAgentWait_FromZeroToAnHour_IsValid(int seconds, bool valid)
    {
        var problems = Problems(QueueSettings.Default with { PreferredAgentWait = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(valid, problems.Count == 0);
        if (!valid) Assert.Equal("preferredAgentWait", Field(Assert.Single(problems)));
    }

    [Theory]
    [InlineData(60, true)]
    [InlineData(86_400, true)]
    [InlineData(59, false)]
    [InlineData(0, false)]
    [InlineData(86_401, false)]
    public void RetryAfter_FromAMinuteTo24Hours_IsValid(int seconds, bool valid)
    {
        var problems = Problems(QueueSettings.Default with { RetryAfter = TimeSpan.FromSeconds(seconds) });

        Assert.Equal(valid, problems.Count == 0);
        if (!valid) Assert.Equal("retryAfter", Field(Assert.Single(problems)));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(1, true)]
    [InlineData(10_000, true)]
    [InlineData(0, false)]
    [InlineData(-5, false)]
    [InlineData(10_001, false)]
    public void MaxPending_NullOrOneTo10000_IsValid(int? maxPending, bool valid)
    {
        var problems = Problems(QueueSettings.Default with { MaxPending = maxPending });

        Assert.Equal(valid, problems.Count == 0);
        if (!valid) Assert.Equal("maxPending", Field(Assert.Single(problems)));
    }

    [Fact]
    public void TimeZone_UnknownToTheMachine_IsRefused_AKnownOneIsNot()
    {
        Assert.Empty(Problems(QueueSettings.Default with { TimeZone = "Pacific/Auckland" }));
        Assert.Equal("timeZone", Field(Assert.Single(Problems(QueueSettings.Default with { TimeZone = "Mars/Olympus_Mons" }))));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(1000, true)]
    [InlineData(0, false)]
    [InlineData(1001, false)]
    public void SlotCapacity_OneTo1000_IsValid(int capacity, bool valid)
    {
        var problems = Problems(QueueSettings.Default with { Slots = [new CallbackSlot(new TimeOnly(14, 30), capacity)] });

        Assert.Equal(valid, problems.Count == 0);
        if (!valid) Assert.Equal("slots[0].capacity", Field(Assert.Single(problems)));
    }

    [Fact]
    public void Slots_TheSameTimeTwice_OrOffTheMinute_OrOver96_AreRefused()
    {
        var twice = Problems(QueueSettings.Default with { Slots = [new(new TimeOnly(9, 0), 2), new(new TimeOnly(10, 0), 2), new(new TimeOnly(9, 0), 1)] });
        Assert.Equal("slots[2].at", Field(Assert.Single(twice)));

        var offTheMinute = Problems(QueueSettings.Default with { Slots = [new(new TimeOnly(9, 0, 30), 2)] });
        Assert.Equal("slots[0].at", Field(Assert.Single(offTheMinute)));

        var quarterHours = Enumerable.Range(0, 96).Select(i => new CallbackSlot(TimeOnly.MinValue.AddMinutes(15 * i), 1)).ToList();
        Assert.Empty(Problems(QueueSettings.Default with { Slots = [.. quarterHours] }));
        var tooMany = Problems(QueueSettings.Default with { Slots = [.. quarterHours, new(new TimeOnly(23, 59), 1)] });
        Assert.Equal("slots", Field(Assert.Single(tooMany)));
    }

    [Fact]
    public void HoldMessage_IsCheckedAsAnyPrompt_UnderItsOwnName()
    {
        Assert.Empty(Problems(QueueSettings.Default with { HoldMessage = Prompt.Speech("Thanks for waiting.") }));
        Assert.Empty(Problems(QueueSettings.Default with { HoldMessage = Prompt.Audio("https://example.com/hold.mp3") }));

        var both = Problems(QueueSettings.Default with { HoldMessage = new Prompt("https://example.com/hold.mp3", "Thanks") });
        Assert.Equal("holdMessage", Field(Assert.Single(both)));
        var notAUrl = Problems(QueueSettings.Default with { HoldMessage = Prompt.Audio("hold.mp3") });
        Assert.Equal("holdMessage", Field(Assert.Single(notAUrl)));
    }

    [Fact]
    public void Validate_WithEveryFieldWrong_ReportsEveryProblemAtOnce()
    {
        var settings = new QueueSettings
        {
            Slots = [new(new TimeOnly(9, 0), 0)],
            HoldMessage = new Prompt(null, null),
            PreferredAgentWait = TimeSpan.FromHours(2),
            RetryAfter = TimeSpan.Zero,
            MaxPending = 0,
            TimeZone = "Nowhere/Nothing",
            RejectCooldown = TimeSpan.FromHours(2),
            CompleteCooldown = TimeSpan.FromSeconds(-1),
        };

        Assert.Equal(["slots[0].capacity", "holdMessage", "preferredAgentWait", "retryAfter", "maxPending", "timeZone", "rejectCooldown", "completeCooldown"],
            Problems(settings).Select(Field));
    }

    [Fact]
    public void Ordered_PutsTheSlotsInTheOrderOfTheDay()
    {
        var settings = QueueSettings.Default with { Slots = [new(new TimeOnly(15, 0), 1), new(new TimeOnly(9, 30), 2)] };

        Assert.Equal([new TimeOnly(9, 30), new TimeOnly(15, 0)], settings.Ordered().Slots.Select(s => s.At));
    }
}
