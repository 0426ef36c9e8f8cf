package dev.tasklane.telegram;

/** Who the bot is on Telegram ({@code getMe}): needed to see mentions of it and replies to it in groups. */
record BotIdentity(long id, String username) {}
