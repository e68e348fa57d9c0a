using CallbackFunctions;
using CallbackFunctions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The isolated-worker Functions app (DESIGN §2): the Functions host runs its orchestrations, activities and timer
// functions; the local host (src/CallbackFunctions.LocalRun) runs the same functions outside it.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<UnknownQueryParameters>();
builder.UseMiddleware<StorageUnavailable.Middleware>();
builder.Services.AddCallbackServices(builder.Configuration);
builder.Build().Run();
