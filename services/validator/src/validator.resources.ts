import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { loadClassificationFile, type ActesClassification } from '@relais/actes';
import { migrateBlobStore, PostgresBlobStore } from '@relais/blob-store';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { loadTripletGrid, type TripletGrid } from '@relais/pes';
import { migratePrivacy, PersonalData } from '@relais/privacy';
import { ClassificationCatalogues, ClassificationCommands, openDatabase, TransmissionCommands, type CurrentClassification } from '@relais/service-kit';
import type pg from 'pg';
import type { ValidatorConfig } from './config.js';
import { migrateValidator } from './migrations/migrate.js';
import { NumeroClaims } from './numeros/numero-claims.js';
import { NomFicClaims } from './pes/nom-fic-claims.js';
import { VALIDATOR_CONFIG } from './tokens.js';

/**
 * What the validator reads and writes, ready before any consumer starts (module init precedes the
 * messaging module's bootstrap) and closed after every consumer stopped (shutdown follows
 * `beforeApplicationShutdown`): the pool, the schema, the event log, the blob store, the numéro and
 * NomFic claims, the keys of personal fields, the collectivités' classifications and the grille des triplets (the default
 * classification and the grid read at start: a bad file stops the validator there).
 */
@Injectable()
export class ValidatorResources implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Validator');
  private state:
    | {
        readonly pool: pg.Pool;
        readonly store: PostgresEventStore;
        readonly commands: TransmissionCommands;
        readonly blobs: PostgresBlobStore;
        readonly claims: NumeroClaims;
        readonly nomFics: NomFicClaims;
        readonly personalData: PersonalData;
        readonly triplets: TripletGrid;
        readonly classifications: { of(siren: string): Promise<CurrentClassification>; readonly defaultCatalogue: ActesClassification };
      }
    | undefined;

  constructor(@Inject(VALIDATOR_CONFIG) private readonly config: ValidatorConfig) {}

  async onModuleInit(): Promise<void> {
    const classification = await loadClassificationFile(this.config.classificationFile);
    const triplets = loadTripletGrid(this.config.tripletsFile);
    const pool = await openDatabase({
      url: this.config.databaseUrl,
      max: 18,
      applicationName: 'relais-validator',
      logger: this.logger,
      migrate: [migrate, migrateBlobStore, migratePrivacy, migrateValidator],
    });
    const store = new PostgresEventStore(pool);
    const blobs = new PostgresBlobStore(pool);
    this.state = {
      pool,
      store,
      commands: new TransmissionCommands(store),
      blobs,
      claims: new NumeroClaims(pool),
      nomFics: new NomFicClaims(pool),
      personalData: new PersonalData(pool),
      triplets,
      classifications: currentClassifications(new ClassificationCommands(store), new ClassificationCatalogues(blobs, classification)),
    };
  }

  private get ready(): NonNullable<ValidatorResources['state']> {
    if (this.state === undefined) throw new Error('validator resources used before module init');
    return this.state;
  }

  get pool(): pg.Pool {
    return this.ready.pool;
  }

  get store(): PostgresEventStore {
    return this.ready.store;
  }

  get commands(): TransmissionCommands {
    return this.ready.commands;
  }

  get blobs(): PostgresBlobStore {
    return this.ready.blobs;
  }

  get claims(): NumeroClaims {
    return this.ready.claims;
  }

  get nomFics(): NomFicClaims {
    return this.ready.nomFics;
  }

  /** The keys of personal fields: an acte's objet is checked in clear. */
  get personalData(): PersonalData {
    return this.ready.personalData;
  }

  /** The grille des triplets PES pièces are checked against. */
  get triplets(): TripletGrid {
    return this.ready.triplets;
  }

  /** The classification each collectivité's actes are checked against. */
  get classifications(): { of(siren: string): Promise<CurrentClassification> } {
    return this.ready.classifications;
  }

  /** The platform's default classification, every collectivité's until its first 7-2. */
  get defaultClassification(): ActesClassification {
    return this.ready.classifications.defaultCatalogue;
  }

  async onApplicationShutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    await state?.store.close();
    await state?.pool.end();
  }
}

/** Each collectivité's classification now: its stream read, its last 7-2 parsed once (cached by the catalogues). */
function currentClassifications(
  commands: ClassificationCommands,
  catalogues: ClassificationCatalogues,
): { of(siren: string): Promise<CurrentClassification>; readonly defaultCatalogue: ActesClassification } {
  return { of: (siren) => catalogues.of(commands, siren), defaultCatalogue: catalogues.defaultCatalogue };
}
