// Tests must not pick up a developer's .env or chatty natural/dotenv output.
process.env.DOTENV_CONFIG_QUIET = 'true';
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
