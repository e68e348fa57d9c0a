var app = CallbackFunctions.CallbackApp.Build(args);
app.Run();

public partial class Program;
