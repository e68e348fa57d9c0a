using CallbackFunctions.Storage;
using Grpc.Core;

namespace CallbackFunctions.Tests.Storage;

/// <summary>The one filter every edge that waits storage out uses: which faults may pass, and whose cancellation is no fault.</summary>
public sealed class TransientFaultsTests
{
    public static TheoryData<Exception> FaultsThatMayPass => new()
    {
        new Azure.RequestFailedException(503, "Server busy"),
        new AggregateException("Retry failed after 3 tries", new TaskCanceledException()),
        new HttpRequestException("Connection refused"),
        new IOException("Broken pipe"),
        new RpcException(new Status(StatusCode.Unavailable, "sidecar away")),
        new TimeoutException(),
    };

    public static TheoryData<Exception> Bugs => new()
    {
        new InvalidOperationException(),
        new NullReferenceException(),
        new ArgumentException("bad"),
        new FormatException(),
        new System.Text.Json.JsonException(),
    };

    [Theory]
    [MemberData(nameof(FaultsThatMayPass))]
    public void AStorageNetworkDurableOrTimeoutFault_IsTransient(Exception fault) =>
        Assert.True(TransientFaults.IsTransient(fault));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void ABug_IsNotTransient(Exception bug) =>
        Assert.False(TransientFaults.IsTransient(bug));

    [Fact]
    public void ACancellation_WhileTheCallersTokenIsNot_IsTransient_ABudgetRanOut()
    {
        using var callers = new CancellationTokenSource();
        Assert.True(TransientFaults.IsTransient(new OperationCanceledException(), callers.Token));
        Assert.True(TransientFaults.IsTransient(new TaskCanceledException(), callers.Token));
        Assert.True(TransientFaults.IsTransient(new TaskCanceledException()));
    }

    [Fact]
    public void ACancellation_WhileTheCallersTokenIsCancelled_IsNotTransient_TheCallerGaveUp()
    {
        using var callers = new CancellationTokenSource();
        callers.Cancel();
        Assert.False(TransientFaults.IsTransient(new OperationCanceledException(callers.Token), callers.Token));
        Assert.False(TransientFaults.IsTransient(new TaskCanceledException(), callers.Token));
    }

    [Fact]
    public void AStorageFault_WhileTheCallersTokenIsCancelled_IsStillTransient()
    {
        using var callers = new CancellationTokenSource();
        callers.Cancel();
        Assert.True(TransientFaults.IsTransient(new Azure.RequestFailedException(500, "Internal"), callers.Token));
    }
}
