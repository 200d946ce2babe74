"""Plans from risk: Safer Routes posts and rota, safe-space coverage and gaps, mobile CCTV."""
