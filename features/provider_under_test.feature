@Harness
Feature: The provider under test
  Every scenario runs against the reference provider unless VDS_PROVIDER or
  a step names another one (reference, or mutant:NAME). An unknown name
  fails the step that gives it, with the harness's message.

  @HARNESS-PROVIDER-NAMES
  Scenario: should accept the reference provider by name
    Then naming "reference" as the provider under test succeeds

  @HARNESS-PROVIDER-NAMES
  Scenario Outline: should refuse an unknown provider name (<name>)
    Then naming "<name>" as the provider under test fails with "unknown provider `<name>`"

    Examples:
      | name                  |
      | mutant:no-such-mutant |
      | referense             |

  @HARNESS-PROVIDER-NAMES
  Scenario: should run the scenario against the provider a step names
    Given the provider under test is "reference"
    And a target "t1"
    When client "c1" calls CreatePortalGroup on target "t1"
    Then the call returns S_OK
