package dev.tasklane.chat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatusQuestionTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "status?", "Status", "STATUS??", "status please", "any progress?", "progress", "what's the status?",
      "What’s the status", "how is it going", "How's it going?", "how are things going", "hey, how is it going?",
      "are you done?", "Are you done yet?", "is it done yet", "done?", "finished?", "still working?",
      "are you still working", "how far along are you?", "how much longer?", "ETA?", "any update?", "any news",
      "where are we with it?", "what are you doing now?", "ok so how is it coming along", "Státus ?",
      "status update", "  how is the task going ?  "})
  void plainStatusQuestionsMatch(String text) {
    assertThat(StatusQuestion.matches(text)).as(text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "what does HTTP status 404 mean", "status of the build server in production", "write a status report for Q3",
      "how is it going with the migration? please summarise the open issues", "done with the tests, now deploy",
      "update the README with the new flags", "is the database running out of disk space", "progress bar in CSS",
      "how are you", "hello", "fix the failing status check in CI", "are you able to read PDFs?", "", "   ",
      "are you done with reviewing the pull request from yesterday afternoon"})
  void requestsThatMentionStatusDoNotMatch(String text) {
    assertThat(StatusQuestion.matches(text)).as(text).isFalse();
  }
}
