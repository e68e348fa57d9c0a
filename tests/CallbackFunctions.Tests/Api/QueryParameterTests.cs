using System.Net;
using System.Text.Json;
using CallbackFunctions.Http;
using CallbackFunctions.LocalRun;
using CallbackFunctions.LocalRun.Durable;
using CallbackFunctions.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackFunctions.Tests.Api;

/// <summary>
/// Issue 14: a management route refuses a query parameter it does not take, naming it (a misspelt filter would
/// otherwise be ignored and answer everything), but always takes the function key; a Twilio route takes any.
/// </summary>
public sealed class QueryParameterTests : StackTestBase
{
    private const string Caller = "+14155550931";

    // Long first interval: nothing dials during these tests.
    protected override LocalStackOptions Configure(LocalStackOptions o) => o with { Intervals = "00:05:00", Expiry = TimeSpan.FromMinutes(30) };

    [Fact]
    public async Task ListCallbacks_WithAMisspeltFilter_Is400NamingIt_NotEveryCallback()
    {
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support", SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        using var response = await Stack.Api.GetAsync("/api/callbacks?staus=Completed&pageSize=10");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.Contains("'staus'", detail, StringComparison.Ordinal);
        Assert.Contains("status, caller, queue, pageSize, continuationToken", detail, StringComparison.Ordinal); // what it does take
        Assert.Equal(["staus"], problem.RootElement.GetProperty("unknownQueryParameters").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task ManagementRoutes_TakeTheirOwnParameters_InAnyCase_AndTheFunctionKey()
    {
        await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support", SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        Assert.Single(await CallbacksAsync());
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.GetAsync("/api/callbacks?Status=Queued&code=a-function-key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.GetAsync("/api/agents?code=a-function-key")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Stack.Api.GetAsync("/api/health?code=")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Stack.Api.GetAsync("/api/recordings?callbackId=cb-1&attempt=1")).StatusCode);
    }

    [Fact]
    public async Task EveryManagementRoute_RefusesAnUnknownParameter_BeforeItDoesAnything()
    {
        var management = FunctionRoutes.All.Where(f => HttpFunctions.Named(f.Name) is { IsTwilio: false }).ToList();
        Assert.True(management.Count >= 20, $"only {management.Count} management routes");

        foreach (var function in management)
            foreach (var method in function.Methods)
            {
                var path = "/" + string.Join("/", function.Route.Split('/').Select(s => s.StartsWith('{') ? "query-test" : s));
                using var response = await Stack.Api.SendAsync(new HttpRequestMessage(new HttpMethod(method), path + "?bogus=1&code=k"));

                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode}");
                Assert.Contains("'bogus'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        Assert.False((await Stack.Api.GetStringAsync("/api/account")).Contains("\"frozen\":true", StringComparison.Ordinal)); // the freeze never ran
    }

    [Fact]
    public async Task TwilioRoutes_TakeParametersTheyDoNotUse()
    {
        using var response = await SignedWebhooks.PostAsync(Stack, "api/twilio/missed-call?queue=support&utm_source=console&FriendlyName=x",
            SignedWebhooks.InboundCall(Caller, SignedWebhooks.NewCallSid(), ("QueueResult", "hangup")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("support", Assert.Single(await CallbacksAsync(Caller)).Queue);
    }
}

/// <summary>The same refusal under the Functions host: the app's worker middleware, given what the host gives it.</summary>
public sealed class UnknownQueryParametersMiddlewareTests
{
    [Fact]
    public async Task UnknownParameter_OnAManagementFunction_IsAnswered400_AndTheFunctionDoesNotRun()
    {
        var (context, http) = Invocation("ListCallbacks", "?staus=Completed&code=k");
        var ran = false;

        await new UnknownQueryParameters().Invoke(context, _ => { ran = true; return Task.CompletedTask; });

        Assert.False(ran);
        Assert.Equal(StatusCodes.Status400BadRequest, http.Response.StatusCode);
        http.Response.Body.Position = 0;
        Assert.Contains("'staus'", await new StreamReader(http.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ListCallbacks", "?status=Completed&code=k")]
    [InlineData("MissedCall", "?queue=support&whatever=1")]
    [InlineData("Watchdog", "")]
    public async Task KnownParameters_ATwilioRoute_OrAFunctionWithoutHttp_RunTheFunction(string function, string query)
    {
        var (context, _) = Invocation(function, query, withHttp: query.Length > 0);
        var ran = false;

        await new UnknownQueryParameters().Invoke(context, _ => { ran = true; return Task.CompletedTask; });

        Assert.True(ran);
    }

    private static (FunctionContext Context, HttpContext Http) Invocation(string function, string query, bool withHttp = true)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.QueryString = new QueryString(query);
        http.Response.Body = new MemoryStream();
        var context = new FakeFunctionContext(function, services);
        // Where the ASP.NET Core integration puts the request's HttpContext for the functions and middleware after it.
        if (withHttp) context.Items["HttpRequestContext"] = http;
        return (context, http);
    }

    private sealed class FakeFunctionContext(string name, IServiceProvider services) : FunctionContext
    {
        public override string InvocationId => "invocation-1";
        public override string FunctionId => name;
        public override TraceContext TraceContext => null!;
        public override BindingContext BindingContext => null!;
        public override RetryContext RetryContext => null!;
        public override IServiceProvider InstanceServices { get; set; } = services;
        public override FunctionDefinition FunctionDefinition { get; } = new FakeDefinition(name);
        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
        public override IInvocationFeatures Features => null!;
    }

    private sealed class FakeDefinition(string name) : FunctionDefinition
    {
        public override System.Collections.Immutable.ImmutableArray<FunctionParameter> Parameters => [];
        public override string PathToAssembly => "";
        public override string EntryPoint => "";
        public override string Id => name;
        public override string Name => name;
        public override System.Collections.Immutable.IImmutableDictionary<string, BindingMetadata> InputBindings =>
            System.Collections.Immutable.ImmutableDictionary<string, BindingMetadata>.Empty;
        public override System.Collections.Immutable.IImmutableDictionary<string, BindingMetadata> OutputBindings =>
            System.Collections.Immutable.ImmutableDictionary<string, BindingMetadata>.Empty;
    }
}
