namespace CallbackFunctions.Infra.Tests;

[Collection(CompiledInfraCollection.Name)]
public sealed class CompilationTests(CompiledInfra infra)
{
    [Fact]
    public void Build_OfMainBicep_SucceedsWithNoDiagnostics()
    {
        Assert.True(infra.Build.ExitCode == 0, infra.Build.ToString());
        // bicep writes warnings (unknown properties, type mismatches, linter findings) to stderr.
        Assert.True(string.IsNullOrWhiteSpace(infra.Build.StandardError), infra.Build.ToString());
    }

    [Fact]
    public void Lint_OfEveryBicepFile_ReportsNothing()
    {
        Assert.True(infra.Lint.ExitCode == 0, infra.Lint.ToString());
        Assert.True(
            string.IsNullOrWhiteSpace(infra.Lint.StandardError) && string.IsNullOrWhiteSpace(infra.Lint.StandardOutput),
            infra.Lint.ToString());
    }

    [Fact]
    public void Build_ProducesOneNestedTemplatePerModule()
    {
        var modules = infra.Main.Resources
            .Where(r => r.Type == "Microsoft.Resources/deployments")
            .Select(r => r.Name)
            .Order()
            .ToArray();

        Assert.Equal(["api", "identity", "keyvault", "monitoring", "rbac", "storage"], modules);
    }
}
