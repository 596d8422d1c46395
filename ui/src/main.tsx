import './setup';
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
