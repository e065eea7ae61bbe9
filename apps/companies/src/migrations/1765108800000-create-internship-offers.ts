import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateInternshipOffers1765108800000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE internship_offers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id uuid NOT NULL REFERENCES companies(id) ON DELETE RESTRICT,
        siret varchar(14) NOT NULL,
        academy_code varchar(2) NOT NULL,
        title varchar(120) NOT NULL,
        description text NOT NULL,
        rome_codes varchar[] NOT NULL,
        diplomas varchar[] NOT NULL,
        specialties varchar[] NOT NULL,
        levels varchar[] NOT NULL,
        commune_insee varchar(5) NOT NULL,
        latitude double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
        longitude double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
        schedule jsonb NOT NULL,
        involves_regulated_work boolean NOT NULL,
        reserved_for_priority boolean NOT NULL,
        reserved_for_schools varchar[] NOT NULL,
        status varchar(9) NOT NULL CHECK (status IN ('posted', 'withdrawn', 'filled')),
        withdrawal_reason varchar(16),
        minors_allowed boolean NOT NULL,
        minimum_age smallint NOT NULL,
        minors_reasons jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX internship_offers_academy ON internship_offers (academy_code, created_at, id)',
    );
    await queryRunner.query('CREATE INDEX internship_offers_siret ON internship_offers (siret)');
    await queryRunner.query(
      'CREATE INDEX internship_offers_siren ON internship_offers (left(siret, 9))',
    );
    await queryRunner.query(
      'CREATE INDEX internship_offers_company ON internship_offers (company_id)',
    );
    await queryRunner.query(`
      CREATE TABLE internship_offer_periods (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        offer_id uuid NOT NULL REFERENCES internship_offers(id) ON DELETE CASCADE,
        siret varchar(14) NOT NULL,
        academy_code varchar(2) NOT NULL,
        start_date date NOT NULL,
        end_date date NOT NULL,
        seats integer NOT NULL CHECK (seats BETWEEN 1 AND 100),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (end_date >= start_date),
        UNIQUE (offer_id, start_date)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE internship_offer_periods');
    await queryRunner.query('DROP TABLE internship_offers');
  }
}
