import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { applyTheme, storedTheme } from './lib/theme.js';
import './styles.css';

// Before the first render, so the page never paints in the wrong theme.
applyTheme(storedTheme());

const root = document.getElementById('root');
if (root) createRoot(root).render(<App />);
