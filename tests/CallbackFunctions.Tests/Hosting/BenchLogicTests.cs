using CallbackFunctions.LocalRun.Benchmarks;

namespace CallbackFunctions.Tests.Hosting;

/// <summary>
/// The benchmark's own arithmetic (<c>./run.sh bench</c>): Azurite's queue freezes found in the probes and the
/// callbacks they touched, lateness with callbacks that never acted, and the phases <c>--only</c> and <c>--quick</c> name.
/// </summary>
public sealed class BenchLogicTests
{
    private static readonly DateTimeOffset Origin = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double seconds) => Origin + TimeSpan.FromSeconds(seconds);

    private static double Seconds(DateTimeOffset at) => (at - Origin).TotalSeconds;

    /// <summary>Probes every 50 ms from <paramref name="from"/> to <paramref name="to"/> (s), each answering in <paramref name="ms"/>.</summary>
    private static IEnumerable<(double At, double Ms)> Probes(double from, double to, double ms = 2)
    {
        for (var at = from; at < to; at += 0.05) yield return (at, ms);
    }

    [Fact]
    public void Detect_WhenEveryProbeAnswersFast_FindsNoWindow()
    {
        Assert.Empty(FreezeWindows.Detect(Probes(0, 60, ms: 400), Origin));
    }

    [Fact]
    public void Detect_AProbeThatWaitedOutAFreeze_IsOneWindowFromItsStartToItsAnswer()
    {
        // The queue service froze: the probe sent at +57.0 s was answered 4.3 s later; probing goes on after it.
        var probes = Probes(0, 57).Append((57.0, 4300)).Concat(Probes(61.35, 70));

        var window = Assert.Single(FreezeWindows.Detect(probes, Origin));

        Assert.Equal(57.0, Seconds(window.From), 3);
        Assert.Equal(61.3, Seconds(window.To), 3);
        Assert.Equal(4.3, window.Length.TotalSeconds, 3);
    }

    [Fact]
    public void Detect_SlowProbesOneAfterAnother_MakeOneWindow_AndTwoFreezesAMinuteApart_Two()
    {
        var probes = Probes(0, 10).Append((10.0, 1500)).Append((11.55, 2500)).Concat(Probes(14.1, 70))
            .Append((70.0, 5000)).Concat(Probes(75.05, 80));

        var windows = FreezeWindows.Detect(probes, Origin);

        Assert.Equal(2, windows.Count);
        Assert.Equal(10.0, Seconds(windows[0].From), 3);
        Assert.Equal(14.05, Seconds(windows[0].To), 3);
        Assert.Equal(70.0, Seconds(windows[1].From), 3);
        Assert.Equal(75.0, Seconds(windows[1].To), 3);
    }

    [Fact]
    public void Detect_TheAppsRequestsHeldUp_WhileTheProbesWereAnswered_AreOneWindow()
    {
        // As seen under load: control-queue sends from +58 s on all answered at +65 s; the probes meanwhile answered at once.
        var requests = new[] { (58.0, 7000.0), (58.5, 6500.0), (60.0, 5000.0), (64.0, 1010.0) };
        var probes = Probes(0, 70).Concat(requests);

        var window = Assert.Single(FreezeWindows.Detect(probes, Origin));

        Assert.Equal(58.0, Seconds(window.From), 3);
        Assert.Equal(65.01, Seconds(window.To), 3);
    }

    [Fact]
    public void Detect_LeavesOutProbesThatGotNoAnswer()
    {
        var probes = Probes(0, 5).Append((5.0, double.NaN)).Concat(Probes(5.1, 10));

        Assert.Empty(FreezeWindows.Detect(probes, Origin));
    }

    [Fact]
    public void Detect_ASlowProbeAtTheEnd_IsStillAWindow()
    {
        var window = Assert.Single(FreezeWindows.Detect(Probes(0, 5).Append((5.0, 3000)), Origin));

        Assert.Equal(5.0, Seconds(window.From), 3);
        Assert.Equal(8.0, Seconds(window.To), 3);
    }

    [Theory]
    // due, acted (s; null: never), in a window from +60 to +65 s?
    [InlineData(62.0, 66.0, true)]     // due in it
    [InlineData(58.0, 58.1, false)]    // acted before it began
    [InlineData(55.0, 70.0, true)]     // its span runs through it
    [InlineData(66.5, 66.6, true)]     // due in the 2 s after it: the backlog is still being taken in
    [InlineData(67.8, 67.9, true)]     // due within a second after that: its timer may be taken in a second early
    [InlineData(68.5, 68.6, false)]    // due after that
    [InlineData(30.0, null, true)]     // never acted: its span runs on through it
    [InlineData(70.0, null, false)]    // never acted, but due after it
    public void Touches_ACallbackWhoseSpanFromJustBeforeDueToItsActionOverlapsTheWindow(double due, double? acted, bool touched)
    {
        IReadOnlyList<FreezeWindows.Window> windows = [new(At(60), At(65))];

        Assert.Equal(touched, FreezeWindows.Touches(windows, At(due), acted is { } a ? At(a) : null));
    }

    [Fact]
    public void Touches_ACallbackThatActedEarly_IsJudgedByItsDueMoment()
    {
        IReadOnlyList<FreezeWindows.Window> windows = [new(At(60), At(65))];

        Assert.True(FreezeWindows.Touches(windows, At(61), At(60.5)));
        Assert.False(FreezeWindows.Touches(windows, At(58), At(57.5)));
    }

    [Fact]
    public void Lateness_WithCallbacksThatNeverActed_CountsThemLaterThanAnyThatDid()
    {
        var lateness = Lateness.Of([.. Enumerable.Range(1, 98).Select(i => (double?)i), null, null]);

        Assert.Equal(100, lateness.Count);
        Assert.Equal(2, lateness.NotActed);
        Assert.Equal(50, lateness.P50);
        Assert.True(double.IsPositiveInfinity(lateness.P99));
        Assert.True(double.IsPositiveInfinity(lateness.Max));
    }

    [Fact]
    public void Lateness_CountsEarlyOnesAndThoseMoreThanASecondEarly()
    {
        var lateness = Lateness.Of([-1500, -200, 0, 30, 40]);

        Assert.Equal(2, lateness.Early);
        Assert.Equal(1, lateness.FarEarly);
        Assert.Equal(-1500, lateness.Earliest);
        Assert.Equal(40, lateness.Max);
        Assert.Equal(0, lateness.P50);
    }

    [Fact]
    public void Lateness_OfNone_IsNotANumber()
    {
        var lateness = Lateness.Of([]);

        Assert.True(double.IsNaN(lateness.P99));
        Assert.True(double.IsNaN(lateness.Max));
        Assert.Equal(0, lateness.Early);
    }

    [Fact]
    public void Parse_OnlyFloor_RunsTheStoragePhase_WhereTheFloorIsMeasuredBesideOurCount()
    {
        var settings = BenchSettings.Parse(["--only", "floor,steady"]);

        Assert.Empty(settings.UnknownPhases);
        Assert.True(settings.Runs("ops"));
        Assert.True(settings.Runs("steady"));
        Assert.False(settings.Runs("busy"));
        Assert.False(settings.Runs("timer200"));
    }

    [Fact]
    public void Parse_OnlyWithAnUnknownName_ReportsIt()
    {
        var settings = BenchSettings.Parse(["--only", "steady,nosuch"]);

        Assert.Equal(new[] { "nosuch" }, settings.UnknownPhases);
    }

    [Fact]
    public void Phases_IncludeTheRealisticLoads_AfterEveryEarlierPhase()
    {
        Assert.Equal(new[] { "timer200", "timer1000", "burst", "freed", "ops", "webhook", "steady", "busy", "partitions", "twoinstances" }, BenchSettings.Phases);
    }

    [Fact]
    public void Parse_ByDefault_HasTheIssuesLoads()
    {
        var settings = BenchSettings.Parse([]);

        Assert.Equal(300, settings.SteadyCallbacks);
        Assert.Equal(2000, settings.SteadyPending);
        Assert.Equal(600, settings.BusyCallbacks);
        Assert.Equal(4, settings.OtherPartitionCount);
        Assert.Equal(20, settings.TwoInstanceRate);
        Assert.Equal(100, settings.StorageCostCallbacks);
    }

    [Fact]
    public void Parse_Quick_ShrinksEveryLoadToSeconds()
    {
        var settings = BenchSettings.Parse(["--quick"]);

        Assert.True(settings.Quick);
        Assert.All(new[] { settings.SteadyDuration, settings.BusyDuration, settings.PartitionsDuration, settings.TwoInstanceDuration, settings.TimerSpread },
            d => Assert.True(d <= TimeSpan.FromSeconds(30), $"{d} is not a smoke run's"));
        Assert.True(settings.SteadyPending <= 100);
    }
}
