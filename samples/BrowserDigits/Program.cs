using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using NetGen.Samples.BrowserDigits;

// The whole app runs in the browser: the page, the preprocessing and the network. No service is registered because the
// app fetches nothing after start-up; the model's weights are part of the app's assembly.
WebAssemblyHostBuilder builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");
await builder.Build().RunAsync();
