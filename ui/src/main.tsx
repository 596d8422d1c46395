// Static imports are evaluated before the importing module's own code, so everything except the
// setup is loaded with a dynamic import: the setup then runs before any library is evaluated.
import './setup';

void import('./start').catch((error: Error) => {
  const message = document.createElement('p');
  message.setAttribute('role', 'alert');
  message.textContent = `Pipeline Guard could not start: ${error.message}`;
  document.getElementById('root')?.append(message);
});
