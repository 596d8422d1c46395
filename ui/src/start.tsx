/** Renders the page once the backend (bridge or console) is ready. Loaded by main.tsx after the setup. */
import '@atlaskit/css-reset';
import './app.css';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBackend } from './backend';

const root = createRoot(document.getElementById('root')!);
createBackend().then(
  (backend) => root.render(<App backend={backend} />),
  (error: Error) => root.render(<p role="alert">Pipeline Guard could not start: {error.message}</p>),
);
