using System.Net.Sockets;
using Azure;
using CallbackFunctions.Storage;

namespace CallbackFunctions.Tests.Storage;

/// <summary>Storage faults said as an operator reads them, from what the SDK throws after its retries.</summary>
public sealed class StorageFaultTextTests
{
    private static Exception AfterRetries(Exception inner) =>
        new AggregateException("Retry failed after 3 tries. Retry settings can be adjusted in ClientOptions.Retry",
            Enumerable.Range(0, 3).Select(_ => new RequestFailedException(0, inner.Message, inner)));

    [Theory]
    [InlineData(SocketError.ConnectionRefused, "table storage at 127.0.0.1:10002 refused the connection")]
    [InlineData(SocketError.HostNotFound, "table storage at 127.0.0.1:10002 could not be found (its host name does not resolve)")]
    [InlineData(SocketError.OperationAborted, "table storage at 127.0.0.1:10002 did not answer in time")]
    [InlineData(SocketError.ConnectionReset, "table storage at 127.0.0.1:10002 dropped the connection")]
    public void Describe_ASocketFault_SaysWhatHappenedWhere(SocketError error, string expected)
    {
        var fault = AfterRetries(new HttpRequestException("x", new SocketException((int)error)));
        Assert.Equal(expected, StorageFaultText.Describe(fault, "table storage", "127.0.0.1:10002"));
        Assert.True(StorageFaultText.IsUnreachable(fault));
    }

    [Fact]
    public void Describe_RefusedCredentials_SaysWhatToCheck()
    {
        var text = StorageFaultText.Describe(new RequestFailedException(403, "denied", "AuthorizationFailure", null), "table storage", "acct.table.core.windows.net:443");
        Assert.Equal("table storage at acct.table.core.windows.net:443 refused our credentials (403 AuthorizationFailure): check the account key, or the identity's role on the account", text);
    }

    [Fact]
    public void Describe_NeverCarriesTheSdksRetryAdvice()
    {
        var text = StorageFaultText.Describe(AfterRetries(new IOException("boom")), "table storage", null);
        Assert.DoesNotContain("Retry", text, StringComparison.Ordinal);
        Assert.StartsWith("table storage ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void IsMissing_IsATableQueueOrContainerThatIsNotThere_NotAnyNotFound()
    {
        Assert.True(StorageFaultText.IsMissing(new RequestFailedException(404, "gone", "TableNotFound", null)));
        Assert.False(StorageFaultText.IsMissing(new RequestFailedException(404, "no row", "ResourceNotFound", null)));
        Assert.False(StorageFaultText.IsUnreachable(new RequestFailedException(404, "gone", "TableNotFound", null)));
    }
}
