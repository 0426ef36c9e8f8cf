package dev.tasklane.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrows between the engine's packages point one way (docs/ENGINE.md, "Packages"): the API ←
 * the store's contract ← the two databases, and the engine on top of both. Read from the compiled
 * classes, so an import that closes a circle fails here.
 */
class PackageArrowsTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.tasklane.core", "dev.tasklane.store", "dev.tasklane.engine", "dev.tasklane.attachments");
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() {
    slices().matching("dev.tasklane.(**)").should().beFreeOfCycles().check(classes);
  }

  @Test
  void theApiDependsOnNothingOfOurs() {
    noClasses().that().resideInAPackage("dev.tasklane.core").should().dependOnClassesThat()
        .resideInAnyPackage("dev.tasklane.store..", "dev.tasklane.engine..", "dev.tasklane.attachments..")
        .check(classes);
  }

  @Test
  void theStoreKnowsNothingOfTheEngine() {
    noClasses().that().resideInAPackage("dev.tasklane.store..").should().dependOnClassesThat()
        .resideInAPackage("dev.tasklane.engine..").check(classes);
  }

  @Test
  void aDatabaseIsReachedOnlyThroughTheStoreContract() {
    noClasses().that().resideOutsideOfPackages("dev.tasklane.store.sqlite..", "dev.tasklane.store.postgres..")
        .should().dependOnClassesThat()
        .resideInAnyPackage("dev.tasklane.store.sqlite..", "dev.tasklane.store.postgres..").check(classes);
  }
}
