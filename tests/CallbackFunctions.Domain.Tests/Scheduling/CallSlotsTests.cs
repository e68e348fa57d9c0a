using CallbackFunctions.Domain.Scheduling;

namespace CallbackFunctions.Domain.Tests.Scheduling;

/// <summary>issue 15 §2 (seed 002: call slots): the next slots with room, in the queue's time zone, DST included.</summary>
public class CallSlotsTests
{
    private static readonly TimeZoneInfo NewYork = LocalTimesTests.NewYork;
    private static readonly Dictionary<SlotInstance, int> NoneBooked = [];
    private static readonly CallSlot[] Afternoon = [new(new TimeOnly(14, 30), 2), new(new TimeOnly(15, 0), 2), new(new TimeOnly(15, 30), 2)];

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso);

    [Fact]
    public void Next_OffersTheNextThreeFutureSlots_WithInstantAndLocalTime()
    {
        // Monday 2026-03-02, 14:10 EST (-5).
        var offered = CallSlots.Next(Afternoon, NewYork, At("2026-03-02T14:10:00-05:00"), NoneBooked);

        Assert.Equal(3, offered.Length);
        Assert.Equal(At("2026-03-02T19:30:00Z"), offered[0].StartsAt);
        Assert.Equal(new DateTime(2026, 3, 2, 14, 30, 0), offered[0].Local);
        Assert.Equal(["2026-03-02T14:30", "2026-03-02T15:00", "2026-03-02T15:30"], offered.Select(o => o.Instance.ToString()));
        Assert.All(offered, o => Assert.Equal(2, o.Room));
    }

    [Fact]
    public void Next_LeavesOutSlotsAlreadyStarted_AndRollsOverToTomorrow()
    {
        var offered = CallSlots.Next(Afternoon, NewYork, At("2026-03-02T15:00:00-05:00"), NoneBooked);

        Assert.Equal(["2026-03-02T15:30", "2026-03-03T14:30", "2026-03-03T15:00"], offered.Select(o => o.Instance.ToString()));
    }

    [Fact]
    public void Next_AFullSlot_IsNotOffered_AndAPartlyBookedOneShowsItsRoom()
    {
        var booked = new Dictionary<SlotInstance, int>
        {
            [new(new DateOnly(2026, 3, 2), new TimeOnly(14, 30))] = 2,
            [new(new DateOnly(2026, 3, 2), new TimeOnly(15, 0))] = 1,
        };

        var offered = CallSlots.Next(Afternoon, NewYork, At("2026-03-02T14:10:00-05:00"), booked);

        Assert.Equal(["2026-03-02T15:00", "2026-03-02T15:30", "2026-03-03T14:30"], offered.Select(o => o.Instance.ToString()));
        Assert.Equal(1, offered[0].Room);
    }

    [Fact]
    public void Next_SkipsDaysThatAreNotOpeningDays()
    {
        var offered = CallSlots.Next([new CallSlot(new TimeOnly(9, 0), 1)], NewYork, At("2026-03-06T12:00:00-05:00"), NoneBooked, count: 2,
            opensOn: d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

        Assert.Equal(["2026-03-09T09:00", "2026-03-10T09:00"], offered.Select(o => o.Instance.ToString())); // Friday noon → Monday
    }

    [Fact]
    public void Next_EverythingFullForTwoWeeks_OffersNothing()
    {
        var slot = new CallSlot(new TimeOnly(9, 0), 1);
        var booked = Enumerable.Range(0, CallSlots.DaysAhead + 1)
            .ToDictionary(d => new SlotInstance(new DateOnly(2026, 3, 2).AddDays(d), slot.Start), _ => 1);

        Assert.Empty(CallSlots.Next([slot], NewYork, At("2026-03-02T08:00:00-05:00"), booked));
    }

    [Fact]
    public void Next_OnTheSpringForwardDay_SkipsTheSlotThatDoesNotExist()
    {
        // America/New_York, Sunday 2026-03-08: 02:00 EST jumps to 03:00 EDT; 02:30 never happens that day.
        CallSlot[] night = [new(new TimeOnly(2, 30), 5), new(new TimeOnly(3, 0), 5)];

        var offered = CallSlots.Next(night, NewYork, At("2026-03-08T00:00:00-05:00"), NoneBooked);

        Assert.Equal(["2026-03-08T03:00", "2026-03-09T02:30", "2026-03-09T03:00"], offered.Select(o => o.Instance.ToString()));
        Assert.Equal(At("2026-03-08T07:00:00Z"), offered[0].StartsAt);
        Assert.Equal(At("2026-03-09T06:30:00Z"), offered[1].StartsAt); // EDT (-4) from now on
    }

    [Fact]
    public void Next_OnTheFallBackDay_AnAmbiguousSlotStartsAtItsFirstOccurrence()
    {
        // America/New_York, Sunday 2026-11-01: 02:00 EDT (-4) falls back to 01:00 EST (-5); 01:30 happens twice.
        var offered = CallSlots.Next([new CallSlot(new TimeOnly(1, 30), 1)], NewYork, At("2026-11-01T00:00:00-04:00"), NoneBooked, count: 1);

        Assert.Equal(At("2026-11-01T01:30:00-04:00"), Assert.Single(offered).StartsAt);
    }

    [Fact]
    public void Next_DuringTheSecondPassOfTheOverlap_DoesNotOfferTheSlotAgain()
    {
        // 01:40 EST, second time round: 01:30's first occurrence (EDT) is past, so today's slot is gone.
        var offered = CallSlots.Next([new CallSlot(new TimeOnly(1, 30), 1)], NewYork, At("2026-11-01T01:10:00-05:00"), NoneBooked, count: 1);

        Assert.Equal("2026-11-02T01:30", Assert.Single(offered).Instance.ToString());
    }

    [Fact]
    public void Next_InTheQueuesZone_NotUtc()
    {
        // 23:30 EST on Monday is already Tuesday in UTC; the 09:00 slot offered is Tuesday's, at 14:00Z.
        var offered = CallSlots.Next([new CallSlot(new TimeOnly(9, 0), 1)], NewYork, At("2026-03-03T04:30:00Z"), NoneBooked, count: 1);

        Assert.Equal(At("2026-03-03T14:00:00Z"), Assert.Single(offered).StartsAt);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    public void CanBook_RespectsCapacity(int booked, bool canBook)
    {
        Assert.Equal(canBook, new CallSlot(new TimeOnly(9, 0), 2).CanBook(booked));
    }

    [Theory]
    [InlineData("14:30", 14, 30)]
    [InlineData("09:05", 9, 5)]
    public void ParseTime_HoursAndMinutes_IsTheTime(string text, int hour, int minute)
    {
        Assert.Equal(new TimeOnly(hour, minute), CallSlot.ParseTime(text));
    }

    [Theory]
    [InlineData("9:00")]
    [InlineData("24:00")]
    [InlineData("14:30:00")]
    [InlineData("2pm")]
    [InlineData("")]
    [InlineData(null)]
    public void ParseTime_AnythingElse_IsNull(string? text)
    {
        Assert.Null(CallSlot.ParseTime(text));
    }

    [Fact]
    public void Validate_ListsEveryProblem()
    {
        CallSlot[] slots = [new(new TimeOnly(9, 0), 0), new(new TimeOnly(9, 0), 1), new(new TimeOnly(10, 0, 30), 1), new(new TimeOnly(11, 0), 1001)];

        var problems = CallSlots.Validate(slots);

        Assert.Equal(
            ["slot 09:00: capacity is 0; it must be between 1 and 1000", "slot 10:00: a slot starts on a whole minute",
             "slot 11:00: capacity is 1001; it must be between 1 and 1000", "slot 09:00 is defined 2 times"],
            problems);
    }

    [Fact]
    public void Validate_UsableSlots_HasNoProblems()
    {
        Assert.Empty(CallSlots.Validate(Afternoon));
    }
}
