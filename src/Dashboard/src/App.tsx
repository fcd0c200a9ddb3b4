import { HealthCard } from './components/HealthCard';

export function App() {
  return (
    <div className="app">
      <header className="app__header">
        <h1>fluidManager</h1>
        <p className="tagline">The cockpit of a company run by AI agents</p>
      </header>
      <main className="app__main">
        <HealthCard />
      </main>
    </div>
  );
}
