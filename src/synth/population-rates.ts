/** Rates that shape the synthetic population; documented in the manifest so consumers can check them. */
export const populationRates = {
  /** Share of births (maternities) that are twins: about 1 in 65 in England and Wales. */
  twinBirth: 0.016,
  /** Twins of the same sex (all identical twins plus half of fraternal twins). */
  twinsSameSex: 0.67,
  /** Same-sex twins given deliberately similar names (Amelia/Amelie). */
  twinsSimilarNames: 0.2,
  male: 0.512,
  middleName: 0.55,
  /** Children who have died: mostly in infancy, as in England's child mortality figures. */
  died: 0.004,
  /** Households that moved in the last four years; the previous address is what stale feeds hold. */
  moved: 0.18,
  movedAcrossLa: 0.2,
  /** Households whose children's surname changed (step-parent, or hyphenated with one). */
  surnameChanged: 0.04,
  loneParent: 0.25,
  /** Children who never enter state school (independent schools, elective home education). */
  noUpn: 0.035,
  /** Pupils on roll in Reception-Year 11 and staying at a school sixth form in Years 12-13. */
  onRollCompulsory: 0.99,
  onRollSixthForm: 0.45,
  gpRegistered: 0.97,
  knownToServices: 0.1,
} as const;
