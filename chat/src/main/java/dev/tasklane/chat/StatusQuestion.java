package dev.tasklane.chat;

import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises a plain question about how the work is going ("status?", "how is it going", "are you
 * done?"), so that it is answered from the ledger instead of starting another task. Deliberately
 * narrow: the whole message must be such a question; anything with more content goes to the agent.
 */
final class StatusQuestion {
  /** Longer messages are requests, not status questions. */
  private static final int MAX_WORDS = 8;

  private static final Pattern QUESTION = Pattern.compile(String.join("|",
      "(any |what s the |what is the |current )?(status|progress|update|updates|news|eta)( update| report)?( now| yet| so far)?( please| pls)?",
      "(status|progress) (check|report)",
      "(so )?how (is|s|are) (it|things|that|this|the task|the job|my task|you) (going|coming along|doing|progressing)( so far)?",
      "how (far|long)( along)? (are you|is it)( now)?",
      "how much (longer|more)",
      "(are you|is it|are we) (done|finished|ready|there)( yet)?",
      "(done|finished|ready)( yet)?",
      "(still )?(working|running)( on it)?",
      "(are you|is it) still (working|running|there|on it)",
      "what are you (doing|up to|working on)( now)?",
      "where are (you|we)( at)?( with (it|that|this))?",
      "any (news|luck)( yet)?"));

  private StatusQuestion() {}

  /** True when {@code text} as a whole asks how the current work is going. */
  static boolean matches(String text) {
    if (text == null) return false;
    String s = normalise(text);
    if (s.isEmpty() || s.split(" ").length > MAX_WORDS) return false;
    return QUESTION.matcher(s).matches();
  }

  /** Lower case, accents and punctuation removed, greetings and fillers around the question dropped. */
  static String normalise(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
    s = s.toLowerCase(Locale.ROOT).replace('’', '\'').replaceAll("[^a-z0-9' ]+", " ").replace("'", " ");
    s = s.replaceAll("\\s+", " ").strip();
    s = s.replaceAll("^(hey|hi|hello|so|ok|okay|well|and)( there)? ", "");
    s = s.replaceAll(" (please|pls|now|then)$", "");
    return s.strip();
  }
}
